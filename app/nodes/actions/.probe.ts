import { ActionRunner } from './index.ts';
import { RecordingBindings } from './recording-bindings.ts';
const runner = new ActionRunner();
const code = `
const report = [];
Error.prepareStackTrace = (e, sites) => sites;
const evil = { get x() {
  for (const s of new Error().stack) {
    let t, f; try { t = s.getThis(); } catch (e) { t = 'ERR'; } try { f = s.getFunction(); } catch (e) { f = 'ERR'; }
    report.push([String(s.getFunctionName()), String(s.getTypeName()), typeof t, t && typeof t.applySyncPromise, typeof f, s.isNative(), String(s.getFileName())]);
  }
  return 1; } };
try { await Lit.Actions.getLatestNonce({ address: evil, chain: 'x' }); } catch (e) { report.push(['err', String(e), typeof e, e && e.constructor && e.constructor.name, Object.getOwnPropertyNames(e)]); }
try { await Lit.Actions.checkConditions({ conditions: [evil], authSig: evil, chain: 'x' }); } catch (e) { report.push(['err', e.message]); }
try { Lit.Actions.setResponse({ response: evil }); } catch (e) { report.push(['err', e.message]); }
Error.prepareStackTrace = undefined;
Lit.Actions.setResponse({ response: JSON.stringify(report) });`;
const r = await runner.execute({ code, bindings: new RecordingBindings() });
console.log(r.error, JSON.parse(r.response ?? '[]'));
runner.dispose();
