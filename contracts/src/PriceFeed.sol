// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILitSdkValidators, NagaEpoch, NagaValidator} from "./interfaces/ILitSdkValidators.sol";

/// @title PriceFeed: what Lit's v8 SDK reads to choose nodes by price.
/// @notice Litbox charges nothing: every node offers every product at 0. The SDK indexes
/// `prices` by product id (decryption 0, signing 1, Lit action 2, session key 3), so each list
/// covers at least those four and every id asked for.
contract PriceFeed {
    struct NodeInfoAndPrices {
        NagaValidator validator;
        uint256[] prices;
    }

    /// Product ids above this are refused (a view must not be made to build huge arrays).
    uint256 public constant MAX_PRODUCT_ID = 255;

    ILitSdkValidators public immutable staking;

    constructor(address stakingAddress) {
        require(stakingAddress != address(0), "PriceFeed: the Staking address must not be zero");
        staking = ILitSdkValidators(stakingAddress);
    }

    function getNodesForRequest(
        uint256 realmId,
        uint256[] calldata productIds
    ) external view returns (uint256 epochId, uint256 minNodeCount, NodeInfoAndPrices[] memory nodes) {
        uint256 length = 4;
        for (uint256 i = 0; i < productIds.length; i++) {
            require(productIds[i] <= MAX_PRODUCT_ID, "PriceFeed: unknown product id");
            if (productIds[i] + 1 > length) length = productIds[i] + 1;
        }
        NagaEpoch memory epoch;
        NagaValidator[] memory validators;
        (epoch, minNodeCount, validators) = staking.getActiveUnkickedValidatorStructsAndCounts(realmId);
        epochId = epoch.number;
        nodes = new NodeInfoAndPrices[](validators.length);
        for (uint256 i = 0; i < validators.length; i++) {
            nodes[i] = NodeInfoAndPrices(validators[i], new uint256[](length));
        }
    }
}
