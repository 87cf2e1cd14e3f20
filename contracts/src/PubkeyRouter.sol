// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPKPNFT} from "./interfaces/IPKPNFT.sol";
import {IStaking} from "./interfaces/IStaking.sol";

/// @title PubkeyRouter: the network's record of which public key belongs to which token id.
/// @notice The nodes generate keys ahead of time (DKG) and each registered node votes for the
/// new key. When the votes reach the Staking threshold the key is routed and handed to PKPNFT's
/// pool of unminted keys, from which `mintNext` takes it. Votes that arrive after routing are
/// recorded (and still checked) but change nothing.
contract PubkeyRouter {
    struct PubkeyRoutingData {
        bytes pubkey;
        address stakingContract;
        uint256 keyType;
    }

    /// keyType 2: ECDSA over secp256k1, the only key type this network makes.
    uint256 public constant KEY_TYPE_ECDSA = 2;

    /// secp256k1 field prime.
    uint256 private constant P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;

    IPKPNFT public immutable pkpNFT;
    IStaking public immutable staking;

    mapping(uint256 => PubkeyRoutingData) private _routes;
    mapping(uint256 => uint256) private _voteCount;
    mapping(uint256 => mapping(address => bool)) private _voted;

    /// The PKP's Ethereum address => its token id (routed keys only).
    mapping(address => uint256) public ethAddressToPkpId;

    event PubkeyRoutingDataVote(
        uint256 indexed tokenId,
        address indexed nodeAddress,
        bytes pubkey,
        address stakingContract,
        uint256 keyType
    );
    event PubkeyRoutingDataSet(uint256 indexed tokenId, bytes pubkey, address stakingContract, uint256 keyType);

    constructor(address pkpNft, address stakingContract) {
        require(pkpNft != address(0) && stakingContract != address(0), "PubkeyRouter: zero address");
        pkpNFT = IPKPNFT(pkpNft);
        staking = IStaking(stakingContract);
    }

    /* ========== VIEWS ========== */

    function getRoutingData(uint256 tokenId) external view returns (PubkeyRoutingData memory) {
        return _routes[tokenId];
    }

    function isRouted(uint256 tokenId) public view returns (bool) {
        return _routes[tokenId].pubkey.length != 0;
    }

    /// The 65-byte uncompressed key (0x04 prefix); empty when the token id is not routed.
    function getPubkey(uint256 tokenId) external view returns (bytes memory) {
        return _routes[tokenId].pubkey;
    }

    /// The key's Ethereum address; the zero address when the token id is not routed.
    function getEthAddress(uint256 tokenId) external view returns (address) {
        PubkeyRoutingData storage route = _routes[tokenId];
        if (route.keyType != KEY_TYPE_ECDSA) return address(0);
        return deriveEthAddressFromPubkey(route.pubkey);
    }

    function getVoteCount(uint256 tokenId) external view returns (uint256) {
        return _voteCount[tokenId];
    }

    function hasVoted(uint256 tokenId, address node) external view returns (bool) {
        return _voted[tokenId][node];
    }

    /// keccak256 of the 64 coordinate bytes, last 20 bytes; the pubkey must be 65 bytes.
    function deriveEthAddressFromPubkey(bytes memory pubkey) public pure returns (address) {
        require(pubkey.length == 65, "PubkeyRouter: the pubkey must be 65 bytes");
        bytes32 hashed;
        assembly {
            hashed := keccak256(add(pubkey, 33), 64)
        }
        return address(uint160(uint256(hashed)));
    }

    /// Lit derives "claimable" keys from HD root keys; Litbox makes one key per PKP by DKG and
    /// has no root keys. Listed because Lit's v8 SDK requires the function in its network
    /// context; a call says why it cannot answer.
    function getDerivedPubkey(address, string calldata, bytes32) external pure returns (bytes memory) {
        revert("PubkeyRouter: Litbox has no HD root keys, so no derived keys (claimKey is not supported)");
    }

    /* ========== MUTATIVE FUNCTIONS ========== */

    /// A registered node votes for a key it helped generate.
    /// @param tokenId uint256(keccak256(pubkey))
    /// @param pubkey the 65-byte uncompressed secp256k1 key, 0x04 ‖ x ‖ y
    /// @param stakingContract this network's Staking contract
    /// @param keyType 2 (ECDSA)
    function voteForRoutingData(
        uint256 tokenId,
        bytes calldata pubkey,
        address stakingContract,
        uint256 keyType
    ) external {
        require(stakingContract == address(staking), "PubkeyRouter: stakingContract is not this network's Staking");
        require(staking.isNode(msg.sender), "PubkeyRouter: only registered nodes can vote for routing data");
        require(!_voted[tokenId][msg.sender], "PubkeyRouter: this node has already voted for this key");
        require(keyType == KEY_TYPE_ECDSA, "PubkeyRouter: unsupported keyType (only 2, ECDSA, is supported)");
        _checkPubkey(pubkey);
        // Checked on every vote, so every vote is for the same key as the first one.
        require(tokenId == uint256(keccak256(pubkey)), "PubkeyRouter: tokenId does not match keccak256(pubkey)");

        _voted[tokenId][msg.sender] = true;
        uint256 votes = ++_voteCount[tokenId];
        emit PubkeyRoutingDataVote(tokenId, msg.sender, pubkey, stakingContract, keyType);

        if (votes >= staking.threshold() && !isRouted(tokenId)) {
            PubkeyRoutingData storage route = _routes[tokenId];
            route.pubkey = pubkey;
            route.stakingContract = stakingContract;
            route.keyType = keyType;
            ethAddressToPkpId[deriveEthAddressFromPubkey(pubkey)] = tokenId;
            pkpNFT.pkpRouted(tokenId, keyType);
            emit PubkeyRoutingDataSet(tokenId, pubkey, stakingContract, keyType);
        }
    }

    /* ========== INTERNAL ========== */

    /// 65 bytes, 0x04 prefix, and (x, y) a point of secp256k1: y² = x³ + 7 (mod p).
    function _checkPubkey(bytes calldata pubkey) private pure {
        require(pubkey.length == 65, "PubkeyRouter: the pubkey must be 65 bytes (uncompressed)");
        require(pubkey[0] == 0x04, "PubkeyRouter: the pubkey must start with 0x04 (uncompressed)");
        uint256 x = uint256(bytes32(pubkey[1:33]));
        uint256 y = uint256(bytes32(pubkey[33:65]));
        require(
            x < P && y < P && mulmod(y, y, P) == addmod(mulmod(mulmod(x, x, P), x, P), 7, P),
            "PubkeyRouter: the pubkey is not a point on secp256k1"
        );
    }
}
