/**
 * A small symmetric 5×5 picture drawn from an address, so two accounts look different at a
 * glance (the idea of blockies, not its code). Pure: the same address always gives the same cells.
 */
export interface IdenticonShape {
  /** hsl() colours: the cells and the background. */
  color: string;
  background: string;
  /** 25 cells, row by row; true = filled. Columns 4 and 5 mirror 2 and 1. */
  cells: boolean[];
}

export function identiconShape(address: string): IdenticonShape {
  const hex = address.toLowerCase().replace(/^0x/, '').padEnd(40, '0');
  const byte = (i: number) => parseInt(hex.slice(i * 2, i * 2 + 2), 16) || 0;
  const hue = Math.round((byte(0) * 256 + byte(1)) % 360);
  const cells: boolean[] = [];
  for (let row = 0; row < 5; row++) {
    const half = [0, 1, 2].map((col) => (byte(2 + row * 3 + col) & 1) === 1);
    cells.push(half[0]!, half[1]!, half[2]!, half[1]!, half[0]!);
  }
  return {
    color: `hsl(${hue} 65% 45%)`,
    background: `hsl(${(hue + 180) % 360} 55% 88%)`,
    cells,
  };
}

/** Shortened for tables and headers: 0x29fd…0D58 (the full value goes in a title and the copy). */
export function shortAddress(address: string, head = 6, tail = 4): string {
  return address.length <= head + tail + 1 ? address : `${address.slice(0, head)}…${address.slice(-tail)}`;
}
