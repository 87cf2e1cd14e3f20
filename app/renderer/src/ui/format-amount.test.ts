import { describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import { formatEth, formatFull, maxSendable } from './format-amount.ts';
import { identiconShape, shortAddress } from './identicon.ts';

describe('amounts for display', () => {
  it('rounds to four decimals and drops trailing zeros', () => {
    expect(formatEth(ethers.parseEther('8.499978998156305'))).toBe('8.5');
    expect(formatEth(ethers.parseEther('10001.49999991671360636'))).toBe('10,001.5');
    expect(formatEth(ethers.parseEther('1.23456'))).toBe('1.2346');
    expect(formatEth(0n)).toBe('0');
    expect(formatEth(ethers.parseEther('10'))).toBe('10');
  });

  it('says a dust amount is there instead of showing 0', () => {
    expect(formatEth(ethers.parseEther('0.000021004211424'))).toBe('< 0.0001');
    expect(formatEth(ethers.parseEther('0.000021004211424'), 6)).toBe('0.000021');
  });

  it('keeps every wei in the full value', () => {
    expect(formatFull(ethers.parseEther('8.499978998156305'))).toBe('8.499978998156305');
  });

  it('leaves room for the fee in Max', () => {
    expect(maxSendable(ethers.parseEther('1'), ethers.parseEther('0.001'))).toBe('0.999');
    expect(maxSendable(100n, 200n)).toBe('0');
  });
});

describe('addresses for display', () => {
  it('shortens to the first and last digits', () => {
    expect(shortAddress('0x29fd0c4E3e5b0B0a8A8b4c0C0d0E0f0a0b0C0D58')).toBe('0x29fd…0D58');
  });

  it('draws the same symmetric picture for the same address, another for another', () => {
    const a = identiconShape('0x29fd0c4E3e5b0B0a8A8b4c0C0d0E0f0a0b0C0D58');
    expect(identiconShape('0x29FD0C4E3E5B0B0A8A8B4C0C0D0E0F0A0B0C0D58')).toEqual(a);
    for (let row = 0; row < 5; row++) {
      expect(a.cells[row * 5]).toBe(a.cells[row * 5 + 4]);
      expect(a.cells[row * 5 + 1]).toBe(a.cells[row * 5 + 3]);
    }
    expect(identiconShape('0x1111111111111111111111111111111111111111')).not.toEqual(a);
  });
});
