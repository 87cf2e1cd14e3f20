// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// What PubkeyRouter needs from the node registry.
interface IStaking {
    function isNode(address node) external view returns (bool);
    function nodeCount() external view returns (uint256);
    function threshold() external view returns (uint256);
}
