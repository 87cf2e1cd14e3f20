// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IPKPNFT} from "./interfaces/IPKPNFT.sol";
import {IPKPPermissions} from "./interfaces/IPKPPermissions.sol";
import {ClaimMaterial, ClaimAuthMethodData, CLAIMABLE_KEYS_UNSUPPORTED} from "./interfaces/IClaimableKeys.sol";

/// @title PKPHelper: mint a PKP and set up its permissions in one transaction.
/// @notice The helper mints the PKP to itself, adds the permissions while it owns the token,
/// optionally permits the PKP's own address, then hands the NFT on: to the PKP's own address
/// (sendPkpToItself; from then on only a transaction signed by the PKP itself can change its
/// permissions) or to the caller. Send exactly PKPNFT.mintCost() with the call.
contract PKPHelper is IERC721Receiver {
    struct MintRequest {
        uint256 keyType;
        bytes[] permittedIpfsCIDs;
        uint256[][] permittedIpfsCIDScopes;
        address[] permittedAddresses;
        uint256[][] permittedAddressScopes;
        uint256[] permittedAuthMethodTypes;
        bytes[] permittedAuthMethodIds;
        bytes[] permittedAuthMethodPubkeys;
        uint256[][] permittedAuthMethodScopes;
        bool addPkpEthAddressAsPermittedAddress;
        bool sendPkpToItself;
    }

    IPKPNFT public immutable pkpNFT;
    IPKPPermissions public immutable pkpPermissions;

    constructor(address pkpNft, address pkpPermissionsAddress) {
        require(pkpNft != address(0) && pkpPermissionsAddress != address(0), "PKPHelper: zero address");
        pkpNFT = IPKPNFT(pkpNft);
        pkpPermissions = IPKPPermissions(pkpPermissionsAddress);
    }

    function mintNextAndAddAuthMethods(
        uint256 keyType,
        uint256[] memory permittedAuthMethodTypes,
        bytes[] memory permittedAuthMethodIds,
        bytes[] memory permittedAuthMethodPubkeys,
        uint256[][] memory permittedAuthMethodScopes,
        bool addPkpEthAddressAsPermittedAddress,
        bool sendPkpToItself
    ) external payable returns (uint256) {
        return
            _mintAndAdd(
                MintRequest(
                    keyType,
                    new bytes[](0),
                    new uint256[][](0),
                    new address[](0),
                    new uint256[][](0),
                    permittedAuthMethodTypes,
                    permittedAuthMethodIds,
                    permittedAuthMethodPubkeys,
                    permittedAuthMethodScopes,
                    addPkpEthAddressAsPermittedAddress,
                    sendPkpToItself
                )
            );
    }

    function mintNextAndAddAuthMethodsWithTypes(
        uint256 keyType,
        bytes[] memory permittedIpfsCIDs,
        uint256[][] memory permittedIpfsCIDScopes,
        address[] memory permittedAddresses,
        uint256[][] memory permittedAddressScopes,
        uint256[] memory permittedAuthMethodTypes,
        bytes[] memory permittedAuthMethodIds,
        bytes[] memory permittedAuthMethodPubkeys,
        uint256[][] memory permittedAuthMethodScopes,
        bool addPkpEthAddressAsPermittedAddress,
        bool sendPkpToItself
    ) external payable returns (uint256) {
        return
            _mintAndAdd(
                MintRequest(
                    keyType,
                    permittedIpfsCIDs,
                    permittedIpfsCIDScopes,
                    permittedAddresses,
                    permittedAddressScopes,
                    permittedAuthMethodTypes,
                    permittedAuthMethodIds,
                    permittedAuthMethodPubkeys,
                    permittedAuthMethodScopes,
                    addPkpEthAddressAsPermittedAddress,
                    sendPkpToItself
                )
            );
    }

    /// Accepts only the PKP NFTs it mints itself; anything else sent here would be stuck.
    /// Lit's claim-and-mint of a derived key (its v8 SDK lists it); Litbox has none to claim.
    function claimAndMintNextAndAddAuthMethodsWithTypes(
        ClaimMaterial calldata,
        ClaimAuthMethodData calldata
    ) external payable returns (uint256) {
        revert(CLAIMABLE_KEYS_UNSUPPORTED);
    }

    function onERC721Received(address operator, address, uint256, bytes calldata) external view returns (bytes4) {
        require(
            msg.sender == address(pkpNFT) && operator == address(this),
            "PKPHelper: only accepts the PKP NFTs it mints itself"
        );
        return IERC721Receiver.onERC721Received.selector;
    }

    function _mintAndAdd(MintRequest memory r) private returns (uint256 tokenId) {
        require(
            r.permittedIpfsCIDs.length == r.permittedIpfsCIDScopes.length,
            "PKPHelper: ipfs cid and scope array lengths must match"
        );
        require(
            r.permittedAddresses.length == r.permittedAddressScopes.length,
            "PKPHelper: address and scope array lengths must match"
        );
        uint256 n = r.permittedAuthMethodTypes.length;
        require(
            r.permittedAuthMethodIds.length == n &&
                r.permittedAuthMethodPubkeys.length == n &&
                r.permittedAuthMethodScopes.length == n,
            "PKPHelper: auth method type, id, pubkey and scope array lengths must match"
        );

        tokenId = pkpNFT.mintNext{value: msg.value}(r.keyType);

        for (uint256 i = 0; i < r.permittedIpfsCIDs.length; i++) {
            pkpPermissions.addPermittedAction(tokenId, r.permittedIpfsCIDs[i], r.permittedIpfsCIDScopes[i]);
        }
        for (uint256 i = 0; i < r.permittedAddresses.length; i++) {
            pkpPermissions.addPermittedAddress(tokenId, r.permittedAddresses[i], r.permittedAddressScopes[i]);
        }
        for (uint256 i = 0; i < n; i++) {
            pkpPermissions.addPermittedAuthMethod(
                tokenId,
                IPKPPermissions.AuthMethod(
                    r.permittedAuthMethodTypes[i],
                    r.permittedAuthMethodIds[i],
                    r.permittedAuthMethodPubkeys[i]
                ),
                r.permittedAuthMethodScopes[i]
            );
        }

        address pkpEthAddress = pkpNFT.getEthAddress(tokenId);
        if (r.addPkpEthAddressAsPermittedAddress) {
            pkpPermissions.addPermittedAddress(tokenId, pkpEthAddress, new uint256[](0));
        }
        pkpNFT.safeTransferFrom(address(this), r.sendPkpToItself ? pkpEthAddress : msg.sender, tokenId);
    }
}
