import Fastify from 'fastify';

// Reference for HTTP figures: a bare fastify server with one empty route,
// run in its own process like the station, on the same machine, in the same run.
const app = Fastify({ logger: false });
app.get('/empty', async () => ({}));
app.post('/empty', async () => ({}));
app.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  const addr = app.server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
