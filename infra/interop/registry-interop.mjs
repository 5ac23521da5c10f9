// Interoperability check of srl-stream's schema registry with an independent client:
// @kafkajs/confluent-schema-registry (npm), which speaks Confluent's REST API and wire format.
//
//   cd infra/interop && npm install && node registry-interop.mjs http://127.0.0.1:8081
//
// Prints one line per check and exits non-zero if any check fails. Not part of the Maven build.
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const url = process.argv[2];
if (!url) {
  console.error('usage: node registry-interop.mjs <registry-url>');
  process.exit(2);
}

// A fresh subject per run, so the script can run again against the same registry.
const subject = `interop-${Date.now()}-value`;
const schemaV1 = {
  type: 'record',
  name: 'InteropTask',
  namespace: 'dev.srlstream.interop',
  fields: [
    { name: 'instance_id', type: 'string' },
    { name: 'step', type: 'int' },
  ],
};
const schemaV2 = { ...schemaV1, fields: [...schemaV1.fields, { name: 'hint', type: 'string', default: '' }] };
const incompatible = { ...schemaV1, fields: [...schemaV1.fields, { name: 'score', type: 'double' }] };
const record = { instance_id: 'gsm8k-17#3', step: 3 };

const registry = () => new SchemaRegistry({ host: url, retry: { retries: 0 } });
const avro = (schema) => ({ type: SchemaType.AVRO, schema: JSON.stringify(schema) });

let failures = 0;
async function check(name, fn) {
  try {
    const detail = await fn();
    console.log(`PASS ${name}${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${error && error.message ? error.message : error}`);
  }
}

let id;
let encoded;
await check('register an Avro schema', async () => {
  ({ id } = await registry().register(avro(schemaV1), { subject }));
  assert.ok(Number.isInteger(id) && id > 0, `id ${id}`);
  return `subject ${subject}, id ${id}`;
});
if (id === undefined) {
  // Every later check needs the registered schema.
  console.log('FAIL the remaining checks need a registered schema; stopping');
  process.exit(1);
}
await check('registering it again gives the same id', async () => {
  const again = await registry().register(avro(schemaV1), { subject });
  assert.equal(again.id, id);
  return `id ${again.id}`;
});
await check('look the schema up under its subject (POST /subjects/{s})', async () => {
  assert.equal(await registry().getRegistryIdBySchema(subject, avro(schemaV1)), id);
});
await check('latest id of the subject', async () => {
  assert.equal(await registry().getLatestSchemaId(subject), id);
});
await check('encode a record in the Confluent wire format', async () => {
  encoded = await registry().encode(id, record);
  assert.equal(encoded[0], 0, 'magic byte');
  assert.equal(encoded.readInt32BE(1), id, 'schema id after the magic byte');
  return `${encoded.length} bytes`;
});
await check('decode it with a fresh client (fetches the schema by id)', async () => {
  assert.deepEqual({ ...(await registry().decode(encoded)) }, record);
});
await check('fetch the schema by id', async () => {
  const type = await registry().getSchema(id);
  assert.equal(type.name, 'dev.srlstream.interop.InteropTask');
  assert.deepEqual(type.fields.map((f) => f.name), ['instance_id', 'step']);
});
await check('register a compatible evolution (new field with a default)', async () => {
  const { id: id2 } = await registry().register(avro(schemaV2), { subject });
  assert.ok(id2 !== id, `new id ${id2}`);
  const upgraded = await registry().decode(encoded, { [SchemaType.AVRO]: { readerSchema: schemaV2 } });
  assert.deepEqual({ ...upgraded }, { ...record, hint: '' });
  return `id ${id2}; v1 bytes read with v2 fill the default`;
});
await check('an incompatible schema is refused with HTTP 409', async () => {
  let refused;
  try {
    await registry().register(avro(incompatible), { subject });
  } catch (error) {
    refused = error;
  }
  assert.ok(refused, 'the registry accepted an incompatible schema');
  assert.equal(refused.status, 409, `status ${refused.status}: ${refused.message}`);
  assert.match(refused.message, /incompatible/);
  assert.match(refused.message, /score/);
  return refused.message.slice(0, 160) + '...';
});

console.log(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
