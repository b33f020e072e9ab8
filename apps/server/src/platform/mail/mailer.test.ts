import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/database.ts';
import { mailOutbox } from './mail.table.ts';
import { createMailer } from './mailer.ts';

type Delivered = { from: string; to: string[]; user: string | undefined; secure: boolean; raw: string };

/** A real SMTP peer on 127.0.0.1 that records each message it accepts; with STARTTLS it uses smtp-server's self-signed certificate. */
async function startSmtpPeer({ startTls }: { startTls: boolean }) {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    disabledCommands: startTls ? [] : ['STARTTLS'],
    // Opts out of the warning about the built-in certificate, which is what this test peer wants.
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 's3cret') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        delivered.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { delivered, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('mailer', () => {
  let testDb: TestDatabase;
  let peer: Awaited<ReturnType<typeof startSmtpPeer>>;

  beforeAll(async () => {
    [testDb, peer] = await Promise.all([createTestDatabase(), startSmtpPeer({ startTls: false })]);
  });
  afterAll(async () => {
    await Promise.all([testDb.dispose(), peer.close()]);
  });

  it('delivers over SMTP, authenticating when a user is configured', async () => {
    const mailer = createMailer(
      {
        smtp: { host: '127.0.0.1', port: peer.port, secure: false, user: 'mailer', password: 's3cret' },
        mailFrom: 'LeadFlow <no-reply@leadflow.test>',
      },
      testDb.database,
    );
    expect(mailer.mode).toBe('smtp');

    await mailer.send({ to: 'ana@example.com', subject: 'You have a new lead', text: 'Maria Souza is waiting for a call.' });

    expect(peer.delivered).toHaveLength(1);
    const [mail] = peer.delivered;
    expect(mail).toMatchObject({ from: 'no-reply@leadflow.test', to: ['ana@example.com'], user: 'mailer', secure: false });
    expect(mail!.raw).toContain('Subject: You have a new lead');
    expect(mail!.raw).toContain('Maria Souza is waiting for a call.');
  });

  it('upgrades to TLS when the server offers STARTTLS (self-signed accepted on localhost only)', async () => {
    const tlsPeer = await startSmtpPeer({ startTls: true });
    try {
      const mailer = createMailer(
        { smtp: { host: 'localhost', port: tlsPeer.port, secure: false, user: undefined, password: undefined }, mailFrom: 'no-reply@leadflow.test' },
        testDb.database,
      );
      await mailer.send({ to: 'carla@example.com', subject: 'Welcome', text: 'Your workspace is ready.' });
      expect(tlsPeer.delivered).toEqual([expect.objectContaining({ secure: true, user: undefined, to: ['carla@example.com'] })]);
    } finally {
      await tlsPeer.close();
    }
  });

  it('writes to the outbox when SMTP is not configured', async () => {
    const mailer = createMailer({ smtp: undefined, mailFrom: 'LeadFlow <no-reply@localhost>' }, testDb.database);
    expect(mailer.mode).toBe('outbox');

    await mailer.send({
      to: 'bruno@example.com',
      subject: 'Reset your password',
      text: 'Open the link to choose a new password.',
      html: '<p>Open the link to choose a new password.</p>',
    });

    const rows = await testDb.database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, 'bruno@example.com'));
    expect(rows).toEqual([
      expect.objectContaining({
        workspaceId: null,
        subject: 'Reset your password',
        text: 'Open the link to choose a new password.',
        html: '<p>Open the link to choose a new password.</p>',
      }),
    ]);
  });
});
