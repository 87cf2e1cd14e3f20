// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Lit's "claimable keys" (keys derived from HD root keys, claimed with node signatures): the
/// shapes of its claim functions, which Lit's v8 SDK requires in its network context. Litbox
/// makes one key per PKP by DKG and has no root keys, so these functions only refuse.

struct ClaimSignature {
    bytes32 r;
    bytes32 s;
    uint8 v;
}

struct ClaimMaterial {
    uint256 keyType;
    bytes32 derivedKeyId;
    ClaimSignature[] signatures;
}

struct ClaimAuthMethodData {
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

string constant CLAIMABLE_KEYS_UNSUPPORTED = "Litbox has no HD root keys, so no claimable keys: mint with mintNext instead";
