/** Condition lists written the way Lit developers write them, for the conditions tests. */

const WALLET = '0x9A558553953F5EF874095Fa8457aC877d7817eB1';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

export const isWallet = {
  contractAddress: '',
  standardContractType: '',
  chain: 'ethereum',
  method: '',
  parameters: [':userAddress'],
  returnValueTest: { comparator: '=', value: WALLET },
};

export const hasBalance = {
  contractAddress: '',
  standardContractType: '',
  chain: 'ethereum',
  method: 'eth_getBalance',
  parameters: [':userAddress', 'latest'],
  returnValueTest: { comparator: '>=', value: '1000000000000000000' },
};

export const holdsToken = {
  contractAddress: TOKEN,
  standardContractType: 'ERC20',
  chain: 'ethereum',
  method: 'balanceOf',
  parameters: [':userAddress'],
  returnValueTest: { comparator: '>', value: '0' },
};

export const contractSaysYes = {
  contractAddress: TOKEN,
  functionName: 'balanceOf',
  functionParams: [':userAddress'],
  functionAbi: {
    type: 'function',
    name: 'balanceOf',
    inputs: [{ name: 'account', type: 'address', internalType: 'address' }],
    outputs: [{ name: '', type: 'uint256', internalType: 'uint256' }],
    stateMutability: 'view',
  },
  chain: 'ethereum',
  returnValueTest: { key: '', comparator: '>', value: '0' },
};

/** Each as `litClient.encrypt` takes them. */
export const CONDITION_CASES = [
  { accessControlConditions: [hasBalance] },
  { accessControlConditions: [isWallet, { operator: 'or' }, [hasBalance, { operator: 'and' }, holdsToken]] },
  { evmContractConditions: [contractSaysYes] },
  {
    unifiedAccessControlConditions: [
      { conditionType: 'evmBasic', ...isWallet },
      { operator: 'and' },
      { conditionType: 'evmContract', ...contractSaysYes },
    ],
  },
];
