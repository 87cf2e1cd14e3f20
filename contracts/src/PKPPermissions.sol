// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IPKPNFT} from "./interfaces/IPKPNFT.sol";
import {IPKPPermissions} from "./interfaces/IPKPPermissions.sol";

/// @title PKPPermissions: who, besides the owner, may use a PKP.
/// @notice Everything is an auth method {authMethodType, id, userPubkey}, identified by
/// authMethodId = uint256(keccak256(abi.encode(authMethodType, id))). A permitted address is
/// type 1 with id = the 20 address bytes; a permitted Lit Action is type 2 with id = the CIDv0
/// multihash bytes. Each (tokenId, authMethodId) carries a bitmap of scopes (0 NoPermissions,
/// 1 SignAnything, 2 PersonalSign; scope ids below 256). Only the PKP NFT's current owner may
/// change its permissions: PKPHelper and PKPNFT change them during their mint flows because
/// they own the token at that moment. A burned PKP's permissions stay as they were, forever.
contract PKPPermissions is IPKPPermissions {
    using EnumerableSet for EnumerableSet.UintSet;

    uint256 public constant AUTH_METHOD_TYPE_ADDRESS = 1;
    uint256 public constant AUTH_METHOD_TYPE_ACTION = 2;
    uint256 public constant AUTH_METHOD_TYPE_WEBAUTHN = 3;
    uint256 public constant MAX_SCOPE_ID = 255;

    IPKPNFT public immutable pkpNFT;

    /// authMethodId => the auth method (its userPubkey, once set, never changes)
    mapping(uint256 => AuthMethod) private _authMethods;
    /// tokenId => permitted authMethodIds
    mapping(uint256 => EnumerableSet.UintSet) private _permittedAuthMethods;
    /// tokenId => authMethodId => scope bitmap (bit i = scope i)
    mapping(uint256 => mapping(uint256 => uint256)) private _scopeBits;
    /// authMethodId => tokenIds that permit it
    mapping(uint256 => EnumerableSet.UintSet) private _tokenIdsByAuthMethod;

    event PermittedAuthMethodAdded(uint256 indexed tokenId, uint256 authMethodType, bytes id, bytes userPubkey);
    event PermittedAuthMethodRemoved(uint256 indexed tokenId, uint256 authMethodType, bytes id);
    event PermittedAuthMethodScopeAdded(uint256 indexed tokenId, uint256 authMethodType, bytes id, uint256 scopeId);
    event PermittedAuthMethodScopeRemoved(uint256 indexed tokenId, uint256 authMethodType, bytes id, uint256 scopeId);

    constructor(address pkpNft) {
        require(pkpNft != address(0), "PKPPermissions: zero address");
        pkpNFT = IPKPNFT(pkpNft);
    }

    /* ========== VIEWS ========== */

    function getAuthMethodId(uint256 authMethodType, bytes memory id) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(authMethodType, id)));
    }

    function getPubkey(uint256 tokenId) external view returns (bytes memory) {
        return pkpNFT.getPubkey(tokenId);
    }

    function getEthAddress(uint256 tokenId) external view returns (address) {
        return pkpNFT.getEthAddress(tokenId);
    }

    function isPermittedAuthMethod(
        uint256 tokenId,
        uint256 authMethodType,
        bytes memory id
    ) public view returns (bool) {
        return _permittedAuthMethods[tokenId].contains(getAuthMethodId(authMethodType, id));
    }

    function isPermittedAuthMethodScopePresent(
        uint256 tokenId,
        uint256 authMethodType,
        bytes calldata id,
        uint256 scopeId
    ) external view returns (bool) {
        uint256 authMethodId = getAuthMethodId(authMethodType, id);
        if (scopeId > MAX_SCOPE_ID || !_permittedAuthMethods[tokenId].contains(authMethodId)) return false;
        return (_scopeBits[tokenId][authMethodId] >> scopeId) & 1 == 1;
    }

    function isPermittedAction(uint256 tokenId, bytes calldata ipfsCID) external view returns (bool) {
        return isPermittedAuthMethod(tokenId, AUTH_METHOD_TYPE_ACTION, ipfsCID);
    }

    /// True for a permitted address and for the PKP NFT's owner.
    function isPermittedAddress(uint256 tokenId, address user) external view returns (bool) {
        if (isPermittedAuthMethod(tokenId, AUTH_METHOD_TYPE_ADDRESS, abi.encodePacked(user))) return true;
        return pkpNFT.exists(tokenId) && pkpNFT.ownerOf(tokenId) == user;
    }

    function getPermittedAuthMethods(uint256 tokenId) external view returns (AuthMethod[] memory methods) {
        EnumerableSet.UintSet storage set = _permittedAuthMethods[tokenId];
        uint256 n = set.length();
        methods = new AuthMethod[](n);
        for (uint256 i = 0; i < n; i++) {
            methods[i] = _authMethods[set.at(i)];
        }
    }

    /// bool[maxScopeId]: entry i says whether scope i is granted (maxScopeId at most 256).
    function getPermittedAuthMethodScopes(
        uint256 tokenId,
        uint256 authMethodType,
        bytes calldata id,
        uint256 maxScopeId
    ) external view returns (bool[] memory scopes) {
        require(maxScopeId <= MAX_SCOPE_ID + 1, "PKPPermissions: maxScopeId must be at most 256");
        uint256 authMethodId = getAuthMethodId(authMethodType, id);
        uint256 bits = _permittedAuthMethods[tokenId].contains(authMethodId) ? _scopeBits[tokenId][authMethodId] : 0;
        scopes = new bool[](maxScopeId);
        for (uint256 i = 0; i < maxScopeId; i++) {
            scopes[i] = (bits >> i) & 1 == 1;
        }
    }

    /// The ids (CIDv0 multihash bytes) of the permitted Lit Actions.
    function getPermittedActions(uint256 tokenId) external view returns (bytes[] memory actions) {
        EnumerableSet.UintSet storage set = _permittedAuthMethods[tokenId];
        uint256 n = set.length();
        uint256 count = 0;
        for (uint256 i = 0; i < n; i++) {
            if (_authMethods[set.at(i)].authMethodType == AUTH_METHOD_TYPE_ACTION) count++;
        }
        actions = new bytes[](count);
        uint256 k = 0;
        for (uint256 i = 0; i < n; i++) {
            AuthMethod storage am = _authMethods[set.at(i)];
            if (am.authMethodType == AUTH_METHOD_TYPE_ACTION) actions[k++] = am.id;
        }
    }

    /// The owner first (unless the PKP is burned), then the permitted addresses.
    function getPermittedAddresses(uint256 tokenId) external view returns (address[] memory addresses) {
        EnumerableSet.UintSet storage set = _permittedAuthMethods[tokenId];
        uint256 n = set.length();
        address holder = pkpNFT.exists(tokenId) ? pkpNFT.ownerOf(tokenId) : address(0);
        address[] memory found = new address[](n + 1);
        uint256 count = 0;
        if (holder != address(0)) found[count++] = holder;
        for (uint256 i = 0; i < n; i++) {
            AuthMethod storage am = _authMethods[set.at(i)];
            if (am.authMethodType != AUTH_METHOD_TYPE_ADDRESS || am.id.length != 20) continue;
            address a = address(bytes20(am.id));
            if (a != holder) found[count++] = a;
        }
        addresses = new address[](count);
        for (uint256 i = 0; i < count; i++) addresses[i] = found[i];
    }

    function getTokenIdsForAuthMethod(uint256 authMethodType, bytes calldata id) external view returns (uint256[] memory) {
        return _tokenIdsByAuthMethod[getAuthMethodId(authMethodType, id)].values();
    }

    function getUserPubkeyForAuthMethod(uint256 authMethodType, bytes calldata id) external view returns (bytes memory) {
        return _authMethods[getAuthMethodId(authMethodType, id)].userPubkey;
    }

    /* ========== MUTATIVE FUNCTIONS (owner of the PKP only) ========== */

    function addPermittedAuthMethod(
        uint256 tokenId,
        AuthMethod calldata authMethod,
        uint256[] calldata scopes
    ) external {
        _requireOwner(tokenId);
        _addAuthMethod(tokenId, authMethod.authMethodType, authMethod.id, authMethod.userPubkey, scopes);
    }

    function removePermittedAuthMethod(uint256 tokenId, uint256 authMethodType, bytes calldata id) external {
        _requireOwner(tokenId);
        _removeAuthMethod(tokenId, authMethodType, id);
    }

    function addPermittedAuthMethodScope(
        uint256 tokenId,
        uint256 authMethodType,
        bytes calldata id,
        uint256 scopeId
    ) external {
        _requireOwner(tokenId);
        uint256 authMethodId = _requirePermitted(tokenId, authMethodType, id);
        _addScope(tokenId, authMethodId, authMethodType, id, scopeId);
    }

    function removePermittedAuthMethodScope(
        uint256 tokenId,
        uint256 authMethodType,
        bytes calldata id,
        uint256 scopeId
    ) external {
        _requireOwner(tokenId);
        uint256 authMethodId = _requirePermitted(tokenId, authMethodType, id);
        require(scopeId <= MAX_SCOPE_ID, "PKPPermissions: scopeId must be below 256");
        uint256 bits = _scopeBits[tokenId][authMethodId];
        if ((bits >> scopeId) & 1 == 1) {
            _scopeBits[tokenId][authMethodId] = bits & ~(uint256(1) << scopeId);
            emit PermittedAuthMethodScopeRemoved(tokenId, authMethodType, id, scopeId);
        }
    }

    function addPermittedAction(uint256 tokenId, bytes calldata ipfsCID, uint256[] calldata scopes) external {
        _requireOwner(tokenId);
        _addAuthMethod(tokenId, AUTH_METHOD_TYPE_ACTION, ipfsCID, "", scopes);
    }

    function removePermittedAction(uint256 tokenId, bytes calldata ipfsCID) external {
        _requireOwner(tokenId);
        _removeAuthMethod(tokenId, AUTH_METHOD_TYPE_ACTION, ipfsCID);
    }

    function addPermittedAddress(uint256 tokenId, address user, uint256[] calldata scopes) external {
        _requireOwner(tokenId);
        require(user != address(0), "PKPPermissions: the zero address cannot be permitted");
        _addAuthMethod(tokenId, AUTH_METHOD_TYPE_ADDRESS, abi.encodePacked(user), "", scopes);
    }

    function removePermittedAddress(uint256 tokenId, address user) external {
        _requireOwner(tokenId);
        _removeAuthMethod(tokenId, AUTH_METHOD_TYPE_ADDRESS, abi.encodePacked(user));
    }

    /* ========== INTERNAL ========== */

    function _requireOwner(uint256 tokenId) private view {
        require(pkpNFT.exists(tokenId), "PKPPermissions: no such PKP (never minted, or burned)");
        require(
            pkpNFT.ownerOf(tokenId) == msg.sender,
            "PKPPermissions: only the PKP NFT owner can change its permissions"
        );
    }

    function _requirePermitted(
        uint256 tokenId,
        uint256 authMethodType,
        bytes memory id
    ) private view returns (uint256 authMethodId) {
        authMethodId = getAuthMethodId(authMethodType, id);
        require(
            _permittedAuthMethods[tokenId].contains(authMethodId),
            "PKPPermissions: this auth method is not permitted for this PKP"
        );
    }

    function _addAuthMethod(
        uint256 tokenId,
        uint256 authMethodType,
        bytes memory id,
        bytes memory userPubkey,
        uint256[] calldata scopes
    ) private {
        require(authMethodType != 0, "PKPPermissions: authMethodType 0 is not an auth method");
        require(id.length != 0, "PKPPermissions: the auth method id must not be empty");
        if (authMethodType == AUTH_METHOD_TYPE_ACTION) {
            require(
                id.length == 34 && id[0] == 0x12 && id[1] == 0x20,
                "PKPPermissions: a Lit Action id must be its CIDv0 multihash bytes (34 bytes, 0x1220 + sha256)"
            );
        }
        uint256 authMethodId = getAuthMethodId(authMethodType, id);
        AuthMethod storage stored = _authMethods[authMethodId];
        if (stored.authMethodType == 0) {
            stored.authMethodType = authMethodType;
            stored.id = id;
        }
        if (userPubkey.length != 0) {
            if (stored.userPubkey.length == 0) {
                stored.userPubkey = userPubkey;
            } else {
                require(
                    keccak256(stored.userPubkey) == keccak256(userPubkey),
                    "PKPPermissions: this auth method already has a different userPubkey, which cannot be replaced"
                );
            }
        }
        if (authMethodType == AUTH_METHOD_TYPE_WEBAUTHN) {
            require(
                stored.userPubkey.length != 0,
                "PKPPermissions: a WebAuthn auth method needs its userPubkey (the credential's COSE public key)"
            );
        }
        _permittedAuthMethods[tokenId].add(authMethodId);
        _tokenIdsByAuthMethod[authMethodId].add(tokenId);
        emit PermittedAuthMethodAdded(tokenId, authMethodType, id, stored.userPubkey);
        for (uint256 i = 0; i < scopes.length; i++) {
            _addScope(tokenId, authMethodId, authMethodType, id, scopes[i]);
        }
    }

    function _addScope(
        uint256 tokenId,
        uint256 authMethodId,
        uint256 authMethodType,
        bytes memory id,
        uint256 scopeId
    ) private {
        require(scopeId <= MAX_SCOPE_ID, "PKPPermissions: scopeId must be below 256");
        uint256 bits = _scopeBits[tokenId][authMethodId];
        uint256 bit = uint256(1) << scopeId;
        if (bits & bit == 0) {
            _scopeBits[tokenId][authMethodId] = bits | bit;
            emit PermittedAuthMethodScopeAdded(tokenId, authMethodType, id, scopeId);
        }
    }

    function _removeAuthMethod(uint256 tokenId, uint256 authMethodType, bytes memory id) private {
        uint256 authMethodId = _requirePermitted(tokenId, authMethodType, id);
        _permittedAuthMethods[tokenId].remove(authMethodId);
        _tokenIdsByAuthMethod[authMethodId].remove(tokenId);
        // Clear the scopes too, so that permitting the method again starts from none.
        uint256 bits = _scopeBits[tokenId][authMethodId];
        if (bits != 0) {
            delete _scopeBits[tokenId][authMethodId];
            for (uint256 scopeId = 0; bits >> scopeId != 0; scopeId++) {
                if ((bits >> scopeId) & 1 == 1) {
                    emit PermittedAuthMethodScopeRemoved(tokenId, authMethodType, id, scopeId);
                }
            }
        }
        emit PermittedAuthMethodRemoved(tokenId, authMethodType, id);
    }
}
