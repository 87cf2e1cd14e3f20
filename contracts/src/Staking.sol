// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IStaking} from "./interfaces/IStaking.sol";

/// @title Staking: the registry of the network's threshold nodes.
/// @notice Litbox has no stake; the name and the role follow Lit's network, where the client
/// and the nodes discover each other here. The admin registers the nodes at genesis; a node
/// may later change its own endpoint URL (a new port after a restart, say).
/// Node indices are 1-based and follow the order of registration; the threshold
/// cryptography uses them as the nodes' share indices.
contract Staking is IStaking, Ownable {
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
    }

    /// A registered node changes its own endpoint URL.
    function setEndpoint(string calldata endpoint) external {
        require(_indexOf[msg.sender] != 0, "Staking: only a registered node can set its endpoint");
        _checkEndpoint(endpoint);
        _endpointOf[msg.sender] = endpoint;
        emit NodeEndpointSet(msg.sender, endpoint);
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
}
