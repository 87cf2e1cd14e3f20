// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// What the router, PKPPermissions and PKPHelper need from the PKP NFT.
interface IPKPNFT {
    function pkpRouted(uint256 tokenId, uint256 keyType) external;
    function exists(uint256 tokenId) external view returns (bool);
    function ownerOf(uint256 tokenId) external view returns (address);
    function getPubkey(uint256 tokenId) external view returns (bytes memory);
    function getEthAddress(uint256 tokenId) external view returns (address);
    function mintNext(uint256 keyType) external payable returns (uint256);
    function safeTransferFrom(address from, address to, uint256 tokenId) external;
}
