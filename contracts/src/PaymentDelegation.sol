// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PaymentDelegation: who pays for whom, as Lit's v8 SDK records and reads it.
/// @notice Kept and reported faithfully; Litbox nodes charge nothing, so it decides nothing.
contract PaymentDelegation {
    struct Restriction {
        uint128 totalMaxPrice;
        uint256 requestsPerPeriod;
        uint256 periodSeconds;
    }

    /// One payer may pay for at most this many users in one batch call.
    uint256 public constant MAX_BATCH = 256;

    mapping(address => address[]) private _usersOf;
    mapping(address => address[]) private _payersOf;
    mapping(address => mapping(address => bool)) private _pays;
    mapping(address => Restriction) private _restrictionOf;

    event PaymentsDelegated(address indexed payer, address indexed user);
    event PaymentsUndelegated(address indexed payer, address indexed user);
    event RestrictionSet(address indexed payer, Restriction restriction);

    function getUsers(address payer) external view returns (address[] memory) {
        return _usersOf[payer];
    }

    function getPayers(address user) external view returns (address[] memory) {
        return _payersOf[user];
    }

    function getRestriction(address payer) external view returns (Restriction memory) {
        return _restrictionOf[payer];
    }

    function getPayersAndRestrictions(
        address[] calldata users
    ) external view returns (address[][] memory payers, Restriction[][] memory restrictions) {
        payers = new address[][](users.length);
        restrictions = new Restriction[][](users.length);
        for (uint256 i = 0; i < users.length; i++) {
            address[] memory ofUser = _payersOf[users[i]];
            payers[i] = ofUser;
            restrictions[i] = new Restriction[](ofUser.length);
            for (uint256 j = 0; j < ofUser.length; j++) restrictions[i][j] = _restrictionOf[ofUser[j]];
        }
    }

    function setRestriction(Restriction calldata r) external {
        _restrictionOf[msg.sender] = r;
        emit RestrictionSet(msg.sender, r);
    }

    function delegatePayments(address user) external {
        _delegate(user);
    }

    function undelegatePayments(address user) external {
        _undelegate(user);
    }

    function delegatePaymentsBatch(address[] calldata users) external {
        require(users.length <= MAX_BATCH, "PaymentDelegation: too many users in one batch");
        for (uint256 i = 0; i < users.length; i++) _delegate(users[i]);
    }

    function undelegatePaymentsBatch(address[] calldata users) external {
        require(users.length <= MAX_BATCH, "PaymentDelegation: too many users in one batch");
        for (uint256 i = 0; i < users.length; i++) _undelegate(users[i]);
    }

    function _delegate(address user) private {
        require(user != address(0), "PaymentDelegation: the user must not be the zero address");
        if (_pays[msg.sender][user]) return;
        _pays[msg.sender][user] = true;
        _usersOf[msg.sender].push(user);
        _payersOf[user].push(msg.sender);
        emit PaymentsDelegated(msg.sender, user);
    }

    function _undelegate(address user) private {
        if (!_pays[msg.sender][user]) return;
        _pays[msg.sender][user] = false;
        _remove(_usersOf[msg.sender], user);
        _remove(_payersOf[user], msg.sender);
        emit PaymentsUndelegated(msg.sender, user);
    }

    function _remove(address[] storage list, address item) private {
        for (uint256 i = 0; i < list.length; i++) {
            if (list[i] == item) {
                list[i] = list[list.length - 1];
                list.pop();
                return;
            }
        }
    }
}
