// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// What PKPNFT needs from the router.
interface IPubkeyRouter {
    function getPubkey(uint256 tokenId) external view returns (bytes memory);
    function getEthAddress(uint256 tokenId) external view returns (address);
}
