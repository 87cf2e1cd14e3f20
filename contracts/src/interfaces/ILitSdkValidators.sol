// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The shapes Lit's JavaScript SDKs decode when they look for the nodes (field order and types
/// are the ABI: they must match the SDKs' own, names are ours). Litbox has no stake, rewards,
/// realms or epochs, so most fields are zero.

/// Naga (SDK v8) epoch.
struct NagaEpoch {
    uint256 epochLength;
    uint256 number;
    uint256 rewardEpochNumber;
    uint256 nextRewardEpochNumber;
    uint256 endTime;
    uint256 retries;
    uint256 timeout;
    uint256 startTime;
}

/// Naga (SDK v8) validator: the SDK reaches it at http://ip:port.
struct NagaValidator {
    uint32 ip;
    uint128 ipv6;
    uint32 port;
    address nodeAddress;
    uint256 reward;
    uint256 senderPubKey;
    uint256 receiverPubKey;
    uint256 lastActiveEpoch;
    uint256 commissionRate;
    uint256 lastRewardEpoch;
    uint256 lastRealmId;
    uint256 delegatedStakeAmount;
    uint256 delegatedStakeWeight;
    uint256 lastRewardEpochClaimedFixedCostRewards;
    uint256 lastRewardEpochClaimedCommission;
    address operatorAddress;
    uint256 uniqueDelegatingStakerCount;
    bool registerAttestedWalletDisabled;
}

/// Datil (SDK v7) epoch.
struct DatilEpoch {
    uint256 epochLength;
    uint256 number;
    uint256 endTime;
    uint256 retries;
    uint256 timeout;
}

/// Datil (SDK v7) validator.
struct DatilValidator {
    uint32 ip;
    uint128 ipv6;
    uint32 port;
    address nodeAddress;
    uint256 reward;
    uint256 senderPubKey;
    uint256 receiverPubKey;
}

/// What PriceFeed reads from Staking.
interface ILitSdkValidators {
    function getActiveUnkickedValidatorStructsAndCounts(
        uint256 realmId
    ) external view returns (NagaEpoch memory epoch, uint256 minNodeCount, NagaValidator[] memory validators);
}
