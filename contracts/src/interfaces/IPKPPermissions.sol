// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// What PKPNFT (Mint/Grant/Burn) and PKPHelper need from PKPPermissions.
interface IPKPPermissions {
    /// authMethodType: 1 EthWallet/address, 2 Lit Action, 3 WebAuthn, 4 Discord, 5 Google, 6 Google JWT.
    /// id: the method's id bytes; userPubkey: the WebAuthn COSE key (empty for the other types).
    struct AuthMethod {
        uint256 authMethodType;
        bytes id;
        bytes userPubkey;
    }

    function addPermittedAction(uint256 tokenId, bytes calldata ipfsCID, uint256[] calldata scopes) external;

    function addPermittedAddress(uint256 tokenId, address user, uint256[] calldata scopes) external;

    function addPermittedAuthMethod(
        uint256 tokenId,
        AuthMethod calldata authMethod,
        uint256[] calldata scopes
    ) external;
}
