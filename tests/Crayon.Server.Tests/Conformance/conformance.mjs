// Drives a running Crayon server with the official `openai` SDK and prints one JSON line per case:
// {"name", "ok", "detail"}. Environment: CRAYON_URL (e.g. http://127.0.0.1:1234/), CRAYON_KEY, CRAYON_MODEL.
// Every case asserts what a user of the SDK would rely on; the C# test fails on any case that is not ok.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const base = process.env.CRAYON_URL;
const key = process.env.CRAYON_KEY;
const model = process.env.CRAYON_MODEL;
const client = new OpenAI({ baseURL: new URL('v1', base).href, apiKey: key, maxRetries: 0, timeout: 60_000 });
const cases = [];
const test = (name, body) => cases.push({ name, body });

// Asserts that the promise is refused with this status, code and param, as the SDK surfaces it.
async function refused(promise, status, code, param) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof OpenAI.APIError, `expected an APIError, got ${e}`);
    assert.equal(e.status, status, e.message);
    if (code !== undefined) assert.equal(e.code, code, e.message);
    if (param !== undefined) assert.equal(e.param, param, e.message);
    return e;
  }
  assert.fail(`expected HTTP ${status} ${code ?? ''}, got success`);
}

const raw = (path, init = {}) => fetch(new URL(path, base), {
  ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...(init.headers ?? {}) },
});

const normal = () => client.completions.create({ model, prompt: 'Once', max_tokens: 3, temperature: 0 });

test('models.list reports the model with a real created time', async () => {
  const page = await client.models.list();
  assert.equal(page.data.length, 1);
  assert.equal(page.data[0].id, model);
  assert.ok(page.data[0].created > 1_600_000_000, `created ${page.data[0].created}`);
});

test('models.retrieve answers the model and 404 model_not_found for another', async () => {
  const m = await client.models.retrieve(model);
  assert.equal(m.id, model);
  assert.ok(m.created > 1_600_000_000);
  await refused(client.models.retrieve('gpt-4o'), 404, 'model_not_found');
});

test('completions: text, usage, stop and logprobs', async () => {
  const c = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 8, temperature: 0, logprobs: 2 });
  assert.equal(c.object, 'text_completion');
  assert.ok(c.choices[0].text.length > 0);
  assert.equal(c.usage.completion_tokens, c.choices[0].logprobs.tokens.length);
  const stopped = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 32, temperature: 0, stop: [','] });
  assert.ok(!stopped.choices[0].text.includes(','));
});

test('completions stream with include_usage ends with a usage chunk', async () => {
  const stream = await client.completions.create({ model, prompt: 'Once', max_tokens: 5, temperature: 0, stream: true, stream_options: { include_usage: true } });
  let text = '', usage = null;
  for await (const chunk of stream) {
    if (chunk.choices.length > 0) text += chunk.choices[0].text;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(text.length > 0);
  assert.ok(usage, 'a usage chunk');
  assert.equal(usage.completion_tokens, 5);
});

test('chat: answer, usage, developer role and logprobs', async () => {
  const c = await client.chat.completions.create({
    model, max_tokens: 6, temperature: 0, logprobs: true, top_logprobs: 2,
    messages: [{ role: 'developer', content: 'Tell a story.' }, { role: 'user', content: 'Once' }],
  });
  assert.equal(c.object, 'chat.completion');
  assert.equal(c.choices[0].message.role, 'assistant');
  assert.equal(c.choices[0].logprobs.content.length, c.usage.completion_tokens);
});

test('chat stream honours stream_options.include_usage', async () => {
  const stream = await client.chat.completions.create({ model, max_tokens: 4, temperature: 0, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] });
  let usage = null, chunks = 0;
  for await (const chunk of stream) { chunks++; if (chunk.usage) { usage = chunk.usage; assert.equal(chunk.choices.length, 0); } }
  assert.ok(chunks > 2);
  assert.equal(usage?.completion_tokens, 4);
  const without = await client.chat.completions.create({ model, max_tokens: 2, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
  for await (const chunk of without) assert.equal(chunk.usage ?? null, null);
});

test('chat.completions.stream helper (the SDK\'s own stream runner) works', async () => {
  const runner = client.chat.completions.stream({ model, max_tokens: 4, temperature: 0, messages: [{ role: 'user', content: 'Hi' }] });
  const done = await runner.finalChatCompletion();
  assert.equal(done.choices[0].message.role, 'assistant');
});

for (const [field, value] of [
  ['tools', [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }]],
  ['tool_choice', 'auto'],
  ['response_format', { type: 'json_object' }],
  ['response_format', { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } }],
  ['parallel_tool_calls', false],
  ['functions', [{ name: 'f', parameters: {} }]],
  ['audio', { voice: 'alloy', format: 'wav' }],
  ['made_up_option', 1],
]) {
  test(`chat refuses ${field}=${JSON.stringify(value).slice(0, 40)} by name`, async () => {
    const e = await refused(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], [field]: value }), 400, 'unsupported_parameter', field);
    assert.match(e.message, new RegExp(`field '${field}'`));
  });
}

test('chat accepts response_format text (the default)', async () => {
  const c = await client.chat.completions.create({ model, max_tokens: 2, response_format: { type: 'text' }, messages: [{ role: 'user', content: 'Hi' }] });
  assert.equal(c.choices.length, 1);
});

test('completions refuse unknown fields and stream_options without stream', async () => {
  await refused(client.completions.create({ model, prompt: 'x', tools: [] }), 400, 'unsupported_parameter', 'tools');
  await refused(client.completions.create({ model, prompt: 'x', stream_options: { include_usage: true } }), 400, 'invalid_value', 'stream_options');
});

test('embeddings: floats and the SDK\'s default base64 decode to the same vector', async () => {
  const asFloats = await client.embeddings.create({ model, input: ['Once upon a time', 'Lily'], encoding_format: 'float' });
  assert.equal(asFloats.object, 'list');
  assert.equal(asFloats.data.length, 2);
  const dim = asFloats.data[0].embedding.length;
  assert.ok(dim > 0);
  const byDefault = await client.embeddings.create({ model, input: 'Once upon a time' }); // the SDK asks for base64 and decodes it
  assert.equal(byDefault.data[0].embedding.length, dim);
  for (let i = 0; i < dim; i++) assert.ok(Math.abs(byDefault.data[0].embedding[i] - asFloats.data[0].embedding[i]) <= 1e-6 * Math.max(1, Math.abs(asFloats.data[0].embedding[i])));
  assert.ok(asFloats.usage.prompt_tokens > 0);
  await refused(client.embeddings.create({ model, input: 'x', dimensions: 8 }), 400, 'unsupported_parameter', 'dimensions');
  await refused(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }), 404, 'model_not_found');
});

test('error codes: invalid_api_key, model_not_found, context_length_exceeded, token budget', async () => {
  const wrong = new OpenAI({ baseURL: client.baseURL, apiKey: 'not-the-key', maxRetries: 0 });
  const e = await refused(wrong.models.list(), 401, 'invalid_api_key');
  assert.ok(e instanceof OpenAI.AuthenticationError);
  assert.ok(await refused(client.completions.create({ model: 'gpt-4', prompt: 'x' }), 404, 'model_not_found', 'model') instanceof OpenAI.NotFoundError);
  await refused(client.completions.create({ model, prompt: 'zq xv '.repeat(400), max_tokens: 4 }), 400, 'context_length_exceeded', 'prompt');
  await refused(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'zq xv '.repeat(400) }], max_tokens: 4 }), 400, 'context_length_exceeded', 'messages');
  await refused(client.completions.create({ model, prompt: Array(64).fill('Once'), max_tokens: 512 }), 400, 'request_token_budget_exceeded', 'max_tokens');
  assert.ok((await normal()).choices[0].text.length > 0);
});

test('lone surrogates are a 400 naming the field', async () => {
  await refused(client.completions.create({ model, prompt: 'a\ud800b' }), 400, 'invalid_value', 'prompt');
  await refused(client.chat.completions.create({ model, messages: [{ role: 'user', content: '\udc00' }] }), 400, 'invalid_value', 'messages[0].content');
  assert.ok((await normal()).choices[0].text.length > 0);
});

test('llama-server style lora field and /lora-adapters', async () => {
  const listed = await (await raw('lora-adapters')).json();
  assert.equal(listed.length, 1);
  assert.deepEqual(Object.keys(listed[0]).sort(), ['id', 'path', 'scale']);
  const ask = (lora) => client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 6, temperature: 0, logprobs: 0, ...(lora === undefined ? {} : { lora }) });
  const base = await ask([]);
  const adapted = await ask([{ id: 0, scale: 3 }]);
  const baseAgain = await ask([{ id: 0, scale: 0 }]);
  assert.notDeepEqual(adapted.choices[0].logprobs.token_logprobs, base.choices[0].logprobs.token_logprobs, 'the adapter changes the answer');
  assert.deepEqual(baseAgain.choices[0].logprobs.token_logprobs, base.choices[0].logprobs.token_logprobs, 'no cache reused across adapter sets');
  const set = await raw('lora-adapters', { method: 'POST', body: JSON.stringify([{ id: 0, scale: 3 }]) });
  assert.equal(set.status, 200);
  assert.deepEqual(await set.json(), { success: true });
  const global = await ask(undefined);
  assert.deepEqual(global.choices[0].logprobs.token_logprobs, adapted.choices[0].logprobs.token_logprobs, 'global scales apply without a lora field');
  await raw('lora-adapters', { method: 'POST', body: JSON.stringify([]) });
  await refused(ask([{ id: 7, scale: 1 }]), 400, 'invalid_value', 'lora[0].id');
  const chat = await client.chat.completions.create({ model, max_tokens: 2, messages: [{ role: 'user', content: 'Hi' }], lora: [{ id: 0, scale: 1 }] });
  assert.equal(chat.choices.length, 1);
});

test('crayon per-request customization through the SDK (undocumented params pass through as the body)', async () => {
  const ask = (crayon) => client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 6, temperature: 0, logprobs: 0, ...(crayon === undefined ? {} : { crayon }) });
  const alpha = [0.5, 0.25, 0.125, 0.125];
  const base = await ask(undefined);
  const inline = await ask({ pool: 'tiny', alpha });
  assert.notDeepEqual(inline.choices[0].logprobs.token_logprobs, base.choices[0].logprobs.token_logprobs, 'the customization changes the answer');
  const registered = await raw('v1/crayon/customizations', { method: 'POST', body: JSON.stringify({ pool: 'tiny', alpha }) });
  assert.equal(registered.status, 200);
  const { id } = await registered.json();
  const byId = await ask({ customization: id });
  assert.deepEqual(byId.choices[0].logprobs.token_logprobs, inline.choices[0].logprobs.token_logprobs, 'a registered id is the same customization');
  const baseAgain = await ask(undefined);
  assert.deepEqual(baseAgain.choices[0].logprobs.token_logprobs, base.choices[0].logprobs.token_logprobs, 'no cache reused across customizations');
  await refused(ask({ pool: 'tiny', alpha: [1, 0] }), 400, 'invalid_value', 'crayon.alpha');
  await refused(ask({ pool: 'nope', alpha }), 400, 'pool_not_found', 'crayon.pool');
  await refused(ask({ pool: 'tiny', alpha: [2000, 0, 0, 0] }), 400, 'invalid_value', 'crayon.alpha[0]');
  const chat = await client.chat.completions.create({ model, max_tokens: 2, messages: [{ role: 'user', content: 'Hi' }], crayon: { customization: id } });
  assert.equal(chat.choices.length, 1);
});

test('blend: huge alpha refused, a normal blend served', async () => {
  const huge = await raw('v1/crayon/blend', { method: 'POST', body: JSON.stringify({ pool: 'tiny', alpha: [3e38, 3e38, 0, 0] }) });
  assert.equal(huge.status, 400);
  assert.equal((await huge.json()).error.param, 'alpha[0]');
  const ok = await raw('v1/crayon/blend', { method: 'POST', body: JSON.stringify({ pool: 'tiny', alpha: [0.25, 0.25, 0.25, 0.25] }) });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'application/octet-stream');
});

let failed = 0;
for (const { name, body } of cases) {
  try {
    await body();
    console.log(JSON.stringify({ name, ok: true }));
  } catch (e) {
    failed++;
    console.log(JSON.stringify({ name, ok: false, detail: String(e?.stack ?? e).slice(0, 2000) }));
  }
}
process.exitCode = failed === 0 ? 0 : 1;
