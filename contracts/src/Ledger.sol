// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Ledger: the balances Lit's v8 SDK deposits to and reads (its PaymentManager).
/// @notice Litbox nodes charge nothing, so nothing is ever debited: a deposit is kept for its
/// owner, reported by `balance`, and can be taken back (request, then withdraw; no delay).
contract Ledger {
    struct WithdrawRequest {
        uint256 timestamp;
        uint256 amount;
    }

    mapping(address => int256) private _balanceOf;
    mapping(address => WithdrawRequest) private _withdrawRequestOf;

    event Deposit(address indexed user, uint256 amount);
    event WithdrawRequested(address indexed user, uint256 amount);
    event Withdrawn(address indexed user, uint256 amount);

    function deposit() external payable {
        _credit(msg.sender);
    }

    function depositForUser(address user) external payable {
        require(user != address(0), "Ledger: the user must not be the zero address");
        _credit(user);
    }

    function balance(address user) external view returns (int256) {
        return _balanceOf[user];
    }

    /// Nothing is held back for pending charges (there are none).
    function stableBalance(address user) external view returns (int256) {
        return _balanceOf[user];
    }

    function userWithdrawDelay() external pure returns (uint256) {
        return 0;
    }

    function latestWithdrawRequest(address user) external view returns (WithdrawRequest memory) {
        return _withdrawRequestOf[user];
    }

    function requestWithdraw(int256 amount) external {
        require(amount > 0, "Ledger: the amount must be positive");
        require(amount <= _balanceOf[msg.sender], "Ledger: the amount is more than the balance");
        _withdrawRequestOf[msg.sender] = WithdrawRequest(block.timestamp, uint256(amount));
        emit WithdrawRequested(msg.sender, uint256(amount));
    }

    function withdraw(int256 amount) external {
        WithdrawRequest memory request = _withdrawRequestOf[msg.sender];
        require(amount > 0, "Ledger: the amount must be positive");
        require(uint256(amount) <= request.amount, "Ledger: request a withdrawal of this amount first");
        require(amount <= _balanceOf[msg.sender], "Ledger: the amount is more than the balance");
        _balanceOf[msg.sender] -= amount;
        _withdrawRequestOf[msg.sender].amount = request.amount - uint256(amount);
        emit Withdrawn(msg.sender, uint256(amount));
        (bool sent, ) = payable(msg.sender).call{value: uint256(amount)}("");
        require(sent, "Ledger: sending the withdrawal failed");
    }

    function _credit(address user) private {
        require(msg.value > 0, "Ledger: send a value to deposit");
        require(msg.value <= uint256(type(int256).max), "Ledger: the deposit is too large");
        _balanceOf[user] += int256(msg.value);
        emit Deposit(user, msg.value);
    }
}
