import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { mailOutbox } from './mail.table.ts';

/** `workspaceId` null: account-level mail (password reset, sign-up approval) that belongs to no workspace. */
export type MailMessage = { to: string; subject: string; text: string; html?: string; workspaceId?: string | null };

export type Mailer = { send(msg: MailMessage): Promise<void>; mode: 'smtp' | 'outbox' };

/** SMTP when configured; otherwise the dev outbox table, so a fresh install works and owners can read the mail in the app. */
export function createMailer(config: Pick<Config, 'smtp' | 'mailFrom'>, database: Database): Mailer {
  const { smtp } = config;
  if (!smtp) {
    return {
      mode: 'outbox',
      async send(msg) {
        await database.db.insert(mailOutbox).values({
          workspaceId: msg.workspaceId ?? null,
          toAddress: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html ?? null,
        });
      },
    };
  }

  const isLocalRelay = smtp.host === '127.0.0.1' || smtp.host === 'localhost';
  // secure=false (port 587/25): STARTTLS is used when the server offers it. A relay on this machine
  // (or the test peer) usually has a self-signed certificate, so only there is it not verified.
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    ...(isLocalRelay ? { tls: { rejectUnauthorized: false } } : {}),
  });
  return {
    mode: 'smtp',
    async send(msg) {
      await transport.sendMail({ from: config.mailFrom, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html });
    },
  };
}
