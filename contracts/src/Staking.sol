// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IStaking} from "./interfaces/IStaking.sol";
import {ILitSdkValidators, NagaEpoch, NagaValidator, DatilEpoch, DatilValidator} from "./interfaces/ILitSdkValidators.sol";

/// @title Staking: the registry of the network's threshold nodes.
/// @notice Litbox has no stake; the name and the role follow Lit's network, where the client
/// and the nodes discover each other here. The admin registers the nodes at genesis; a node
/// may later change its own endpoint URL (a new port after a restart, say).
/// Node indices are 1-based and follow the order of registration; the threshold
/// cryptography uses them as the nodes' share indices.
contract Staking is IStaking, ILitSdkValidators, Ownable {
    /// signingKey (Ed25519) signs every node-to-node message; encryptionKey (X25519) makes the
    /// pairwise keys that encrypt shares in transit. Both are the raw 32-byte public keys.
    struct Node {
        address nodeAddress;
        string endpoint;
        bytes32 signingKey;
        bytes32 encryptionKey;
    }

    uint256 public constant MAX_ENDPOINT_LENGTH = 256;

    address[] private _nodeAddresses;
    /// node address => 1-based index (0: not registered)
    mapping(address => uint256) private _indexOf;
    mapping(address => string) private _endpointOf;
    mapping(address => bytes32) private _signingKeyOf;
    mapping(address => bytes32) private _encryptionKeyOf;

    event NodeRegistered(address indexed nodeAddress, uint256 index, string endpoint);
    event NodeEndpointSet(address indexed nodeAddress, string endpoint);
    /// Lit's SDKs watch this event and, on Active, read the validators again and handshake.
    event StateChanged(uint8 newState);

    /// Lit's staking state "Active" (the only state a Litbox network is ever in).
    uint8 public constant STATE_ACTIVE = 0;
    /// The one epoch Lit's SDKs are told about: Litbox has no epochs, so it never changes.
    uint256 public constant SDK_EPOCH_NUMBER = 1;
    uint256 public constant SDK_EPOCH_LENGTH = 1 days;

    constructor() Ownable(msg.sender) {}

    /* ========== VIEWS ========== */

    function isNode(address node) public view returns (bool) {
        return _indexOf[node] != 0;
    }

    function nodeCount() public view returns (uint256) {
        return _nodeAddresses.length;
    }

    /// The number of nodes whose shares (or votes) the network needs: ceil(2N/3).
    function threshold() public view returns (uint256) {
        return (2 * _nodeAddresses.length + 2) / 3;
    }

    /// The number of nodes that must answer a signing or decryption request: the threshold
    /// cryptography's T = max(ceil(2N/3), 2t + 1) with degree t = max(1, floor((ceil(2N/3) - 1) / 2))
    /// (app/shared/network.ts thresholdFor; it differs from threshold() only for N = 3). Lit's
    /// SDKs read it as minNodeCount.
    function signingThreshold() public view returns (uint256) {
        uint256 twoThirds = threshold();
        uint256 degree = twoThirds >= 3 ? (twoThirds - 1) / 2 : 1;
        return twoThirds > 2 * degree + 1 ? twoThirds : 2 * degree + 1;
    }

    /// The node's 1-based index; reverts for an address that is not a registered node.
    function nodeIndex(address node) external view returns (uint256) {
        uint256 index = _indexOf[node];
        require(index != 0, "Staking: not a registered node");
        return index;
    }

    function getEndpoint(address node) external view returns (string memory) {
        require(_indexOf[node] != 0, "Staking: not a registered node");
        return _endpointOf[node];
    }

    function getNodeAddresses() external view returns (address[] memory) {
        return _nodeAddresses;
    }

    /// Every registered node in index order (entry i has index i + 1).
    function getNodes() external view returns (Node[] memory nodes) {
        uint256 n = _nodeAddresses.length;
        nodes = new Node[](n);
        for (uint256 i = 0; i < n; i++) {
            address a = _nodeAddresses[i];
            nodes[i] = Node(a, _endpointOf[a], _signingKeyOf[a], _encryptionKeyOf[a]);
        }
    }

    /* ========== LIT SDK VIEWS ========== */
    // Lit's JavaScript SDKs find the nodes with these (Datil, v7: no argument; Naga, v8: a
    // realm id, ignored here). Every registered node is active; the SDK reaches it at
    // http://ip:port, both read from its endpoint URL (0 when that is not http://a.b.c.d:port).

    function state() external pure returns (uint8) {
        return STATE_ACTIVE;
    }

    function getActiveUnkickedValidatorStructsAndCounts(
        uint256 /* realmId */
    ) external view returns (NagaEpoch memory epoch, uint256 minNodeCount, NagaValidator[] memory validators) {
        (uint256 endTime, uint256 startTime) = _sdkEpochTimes();
        epoch = NagaEpoch(SDK_EPOCH_LENGTH, SDK_EPOCH_NUMBER, 0, 0, endTime, 0, 0, startTime);
        minNodeCount = signingThreshold();
        uint256 n = _nodeAddresses.length;
        validators = new NagaValidator[](n);
        for (uint256 i = 0; i < n; i++) {
            address a = _nodeAddresses[i];
            (uint32 ip, uint32 port) = _ipAndPort(_endpointOf[a]);
            NagaValidator memory v;
            v.ip = ip;
            v.port = port;
            v.nodeAddress = a;
            v.senderPubKey = uint256(_signingKeyOf[a]);
            v.receiverPubKey = uint256(_encryptionKeyOf[a]);
            v.lastActiveEpoch = SDK_EPOCH_NUMBER;
            v.lastRealmId = 1;
            v.operatorAddress = a;
            validators[i] = v;
        }
    }

    function getActiveUnkickedValidatorStructsAndCounts()
        external
        view
        returns (DatilEpoch memory epoch, uint256 minNodeCount, DatilValidator[] memory validators)
    {
        (uint256 endTime, ) = _sdkEpochTimes();
        epoch = DatilEpoch(SDK_EPOCH_LENGTH, SDK_EPOCH_NUMBER, endTime, 0, 0);
        minNodeCount = signingThreshold();
        uint256 n = _nodeAddresses.length;
        validators = new DatilValidator[](n);
        for (uint256 i = 0; i < n; i++) {
            address a = _nodeAddresses[i];
            (uint32 ip, uint32 port) = _ipAndPort(_endpointOf[a]);
            validators[i] = DatilValidator(
                ip,
                0,
                port,
                a,
                0,
                uint256(_signingKeyOf[a]),
                uint256(_encryptionKeyOf[a])
            );
        }
    }

    /* ========== MUTATIVE FUNCTIONS ========== */

    function registerNode(
        address nodeAddress,
        string calldata endpoint,
        bytes32 signingKey,
        bytes32 encryptionKey
    ) external onlyOwner {
        _register(nodeAddress, endpoint, signingKey, encryptionKey);
    }

    /// Genesis registers all nodes in one transaction.
    function registerNodes(
        address[] calldata nodeAddresses,
        string[] calldata endpoints,
        bytes32[] calldata signingKeys,
        bytes32[] calldata encryptionKeys
    ) external onlyOwner {
        require(
            nodeAddresses.length == endpoints.length &&
                nodeAddresses.length == signingKeys.length &&
                nodeAddresses.length == encryptionKeys.length,
            "Staking: nodeAddresses, endpoints and keys must have the same length"
        );
        for (uint256 i = 0; i < nodeAddresses.length; i++) {
            _register(nodeAddresses[i], endpoints[i], signingKeys[i], encryptionKeys[i]);
        }
        emit StateChanged(STATE_ACTIVE);
    }

    /// A registered node changes its own endpoint URL.
    function setEndpoint(string calldata endpoint) external {
        require(_indexOf[msg.sender] != 0, "Staking: only a registered node can set its endpoint");
        _checkEndpoint(endpoint);
        _endpointOf[msg.sender] = endpoint;
        emit NodeEndpointSet(msg.sender, endpoint);
        // A node moved: SDK clients read the validators again and handshake with it.
        emit StateChanged(STATE_ACTIVE);
    }

    /* ========== INTERNAL ========== */

    function _register(
        address nodeAddress,
        string calldata endpoint,
        bytes32 signingKey,
        bytes32 encryptionKey
    ) private {
        require(nodeAddress != address(0), "Staking: the node address must not be zero");
        require(
            signingKey != bytes32(0) && encryptionKey != bytes32(0),
            "Staking: the node's communication keys must be set"
        );
        require(_indexOf[nodeAddress] == 0, "Staking: this node is already registered");
        _checkEndpoint(endpoint);
        _nodeAddresses.push(nodeAddress);
        uint256 index = _nodeAddresses.length;
        _indexOf[nodeAddress] = index;
        _endpointOf[nodeAddress] = endpoint;
        _signingKeyOf[nodeAddress] = signingKey;
        _encryptionKeyOf[nodeAddress] = encryptionKey;
        emit NodeRegistered(nodeAddress, index, endpoint);
    }

    function _checkEndpoint(string calldata endpoint) private pure {
        require(bytes(endpoint).length != 0, "Staking: the endpoint URL must not be empty");
        require(bytes(endpoint).length <= MAX_ENDPOINT_LENGTH, "Staking: the endpoint URL is too long");
    }

    /// An epoch that started half an epoch ago and ends half an epoch from now, whenever asked.
    function _sdkEpochTimes() private view returns (uint256 endTime, uint256 startTime) {
        endTime = block.timestamp + SDK_EPOCH_LENGTH / 2;
        startTime = endTime - SDK_EPOCH_LENGTH;
    }

    /// (ip, port) of an endpoint "http://a.b.c.d:port[/...]"; (0, 0) for any other form.
    function _ipAndPort(string memory endpoint) private pure returns (uint32 ip, uint32 port) {
        bytes memory b = bytes(endpoint);
        uint256 i = 0;
        for (uint256 k = 0; k + 2 < b.length; k++) {
            if (b[k] == ":" && b[k + 1] == "/" && b[k + 2] == "/") {
                i = k + 3;
                break;
            }
        }
        uint256 acc = 0;
        uint256 part = 0;
        uint256 dots = 0;
        bool digit = false;
        for (; i < b.length && b[i] != ":" && b[i] != "/"; i++) {
            bytes1 c = b[i];
            if (c == "." && digit) {
                acc = (acc << 8) | part;
                part = 0;
                dots++;
                digit = false;
            } else if (c >= "0" && c <= "9") {
                part = part * 10 + (uint8(c) - 48);
                if (part > 255) return (0, 0);
                digit = true;
            } else {
                return (0, 0);
            }
        }
        if (dots != 3 || !digit || i >= b.length || b[i] != ":") return (0, 0);
        uint256 p = 0;
        for (i++; i < b.length && b[i] >= "0" && b[i] <= "9"; i++) {
            p = p * 10 + (uint8(b[i]) - 48);
            if (p > 65535) return (0, 0);
        }
        return (uint32((acc << 8) | part), uint32(p));
    }
}
