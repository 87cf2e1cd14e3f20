// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Enumerable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Enumerable.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IPubkeyRouter} from "./interfaces/IPubkeyRouter.sol";
import {IPKPPermissions} from "./interfaces/IPKPPermissions.sol";
import {ClaimSignature, CLAIMABLE_KEYS_UNSUPPORTED} from "./interfaces/IClaimableKeys.sol";

/// @title PKPNFT: Programmable Key Pair NFTs.
/// @notice Whoever owns a PKP NFT may ask the network to sign with its key, and may grant that
/// right to auth methods, addresses and Lit Actions (PKPPermissions).
/// tokenId = uint256(keccak256(65-byte uncompressed public key)).
/// Keys come from the nodes through PubkeyRouter into a pool of routed, unminted keys;
/// minting takes the most recently routed one.
contract PKPNFT is ERC721Enumerable, Ownable {
    /// The SignAnything scope, granted to the action by `mintGrantAndBurnNext`.
    uint256 private constant SCOPE_SIGN_ANYTHING = 1;

    IPubkeyRouter public router;
    IPKPPermissions public pkpPermissions;
    uint256 public mintCost = 1;

    /// keyType => routed token ids that nobody has minted yet
    mapping(uint256 => uint256[]) private _unmintedRoutedTokenIds;

    event PKPMinted(uint256 indexed tokenId, bytes pubkey);
    event PkpRouted(uint256 indexed tokenId, uint256 indexed keyType);
    event MintCostSet(uint256 newMintCost);
    event ContractsSet(address router, address pkpPermissions);
    event Withdrew(uint256 amount);

    constructor() ERC721("PKP", "PKP") Ownable(msg.sender) {}

    /* ========== VIEWS ========== */

    function exists(uint256 tokenId) public view returns (bool) {
        return _ownerOf(tokenId) != address(0);
    }

    /// The 65-byte uncompressed public key (0x04 prefix) of a routed key, minted or not.
    function getPubkey(uint256 tokenId) external view returns (bytes memory pubkey) {
        pubkey = router.getPubkey(tokenId);
        require(pubkey.length != 0, "PKPNFT: unknown token id (no key is routed for it)");
    }

    function getEthAddress(uint256 tokenId) external view returns (address ethAddress) {
        ethAddress = router.getEthAddress(tokenId);
        require(ethAddress != address(0), "PKPNFT: unknown token id (no key is routed for it)");
    }

    /// How many routed keys of this type are waiting to be minted; the nodes refill the pool.
    function getUnmintedRoutedTokenIdCount(uint256 keyType) external view returns (uint256) {
        return _unmintedRoutedTokenIds[keyType].length;
    }

    /* ========== MUTATIVE FUNCTIONS ========== */

    /// Mints the next routed key to the caller. Pay exactly `mintCost`.
    function mintNext(uint256 keyType) external payable returns (uint256 tokenId) {
        require(msg.value == mintCost, "You must pay exactly mint cost");
        tokenId = _popUnmintedRoutedTokenId(keyType);
        // A contract caller must accept ERC-721 tokens (PKPHelper does).
        _safeMint(msg.sender, tokenId);
        emit PKPMinted(tokenId, router.getPubkey(tokenId));
    }

    /// Mint/Grant/Burn in one transaction: mints the next key to this contract, permits the
    /// Lit Action `ipfsCID` (CIDv0 multihash bytes) with scope SignAnything, and burns the
    /// token. Afterwards only that action can ever use the key, and nobody can change that.
    function mintGrantAndBurnNext(uint256 keyType, bytes calldata ipfsCID) external payable returns (uint256 tokenId) {
        require(msg.value == mintCost, "You must pay exactly mint cost");
        tokenId = _popUnmintedRoutedTokenId(keyType);
        _mint(address(this), tokenId);
        emit PKPMinted(tokenId, router.getPubkey(tokenId));
        uint256[] memory scopes = new uint256[](1);
        scopes[0] = SCOPE_SIGN_ANYTHING;
        pkpPermissions.addPermittedAction(tokenId, ipfsCID, scopes);
        _burn(tokenId);
    }

    /// The owner burns a PKP. Its permissions stay readable but can no longer change.
    /// Lit's claim of a derived key (its v8 SDK lists it); Litbox has none to claim.
    function claimAndMint(
        uint256,
        uint256,
        string calldata,
        bytes32,
        ClaimSignature[] calldata,
        address
    ) external payable returns (uint256) {
        revert(CLAIMABLE_KEYS_UNSUPPORTED);
    }

    function burn(uint256 tokenId) external {
        address holder = _ownerOf(tokenId);
        require(holder != address(0), "PKPNFT: no such PKP (never minted, or already burned)");
        require(holder == msg.sender, "PKPNFT: only the owner can burn a PKP");
        _burn(tokenId);
    }

    /// Called by the router when the nodes' votes for a key reach the threshold.
    function pkpRouted(uint256 tokenId, uint256 keyType) external {
        require(msg.sender == address(router), "PKPNFT: only the PubkeyRouter can add routed keys");
        _unmintedRoutedTokenIds[keyType].push(tokenId);
        emit PkpRouted(tokenId, keyType);
    }

    /* ========== ADMIN ========== */

    /// Genesis wires the router and PKPPermissions in once; they cannot be replaced.
    function setContracts(address routerAddress, address pkpPermissionsAddress) external onlyOwner {
        require(address(router) == address(0), "PKPNFT: contracts are already set");
        require(
            routerAddress != address(0) && pkpPermissionsAddress != address(0),
            "PKPNFT: contract addresses must not be zero"
        );
        router = IPubkeyRouter(routerAddress);
        pkpPermissions = IPKPPermissions(pkpPermissionsAddress);
        emit ContractsSet(routerAddress, pkpPermissionsAddress);
    }

    function setMintCost(uint256 newMintCost) external onlyOwner {
        mintCost = newMintCost;
        emit MintCostSet(newMintCost);
    }

    /// Sends the collected mint fees to the admin.
    function withdraw() external onlyOwner {
        uint256 amount = address(this).balance;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "PKPNFT: withdrawal failed");
        emit Withdrew(amount);
    }

    /* ========== INTERNAL ========== */

    function _popUnmintedRoutedTokenId(uint256 keyType) private returns (uint256 tokenId) {
        uint256[] storage pool = _unmintedRoutedTokenIds[keyType];
        uint256 n = pool.length;
        require(n != 0, "There are no unminted routed token ids to mint");
        tokenId = pool[n - 1];
        pool.pop();
    }
}
