/**
 * The file name of an action's code in a data directory's action store (<dataDir>/actions):
 * the host writes it there, each node reads it back and checks the bytes hash to the CID.
 */
export function actionFileName(cid: string): string {
  return `${cid}.js`;
}
