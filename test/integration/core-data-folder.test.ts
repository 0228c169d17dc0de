/**
 * One server per SQLite data folder: a second `openswf serve` on a folder in use stops before
 * it listens, naming the folder and the server that holds it; once that server is gone (even
 * by kill -9, which leaves no chance to clean up) the folder can be served again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListDomainsCommand } from '@aws-sdk/client-swf';
import { TestServer } from '../helpers/server.js';
import { restartableServer } from '../helpers/setup.js';
import { registerFixture } from '../helpers/swf.js';

test('a second server on a data folder in use is refused with a clear message; after kill -9 the folder serves again', async (t) => {
  const node = await restartableServer(t, { backend: 'sqlite' });
  const f = await registerFixture(node.swf);
  const folder = node.server.dataDir;
  await assert.rejects(TestServer.start({ backend: 'sqlite', dataDir: folder }), (err: Error) => {
    assert.match(err.message, /server exited with [12]:/);
    assert.ok(err.message.includes(`the data folder ${folder} is in use by another openswf server (pid ${node.server.pid})`), err.message);
    assert.match(err.message, /stop that server first, or give this one another --data folder/);
    return true;
  });
  // The refused server changed nothing: the first still serves its data.
  assert.ok((await node.swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }))).domainInfos?.some((d) => d.name === f.domain));

  await node.server.kill9();
  const swf = await node.restart();
  assert.ok((await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }))).domainInfos?.some((d) => d.name === f.domain));
});
