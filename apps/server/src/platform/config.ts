import path from 'node:path';
import { z } from 'zod';

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Public URL of the app, used in emailed links and the webhook URLs shown to admins. */
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Off behind a pooler that cannot keep a session's prepared statements (PgBouncer in transaction mode before 1.21). */
  DATABASE_PREPARED_STATEMENTS: boolFromEnv.default(true),
  /** 32 bytes, base64 or hex: encrypts integration secrets and TOTP seeds. Generated into DATA_DIR when absent. */
  ENCRYPTION_KEY: z.string().optional(),
  /** Set when the app is served over HTTPS (directly or behind a TLS-terminating proxy). */
  SECURE_COOKIES: boolFromEnv.optional(),
  TRUST_PROXY: boolFromEnv.default(false),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: z.coerce.number().int().default(587),
  SMTP_SECURE: boolFromEnv.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  MAIL_FROM: z.string().default('LeadFlow <no-reply@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Run the job workers in this process (turn off on web-only instances). */
  JOBS_ENABLED: boolFromEnv.default(true),
  /** Base URL of the Meta Graph API; a local fake for demos. */
  META_GRAPH_URL: z.url().default('https://graph.facebook.com'),
  /** End-to-end tests only: routes that move the server's clock and run a scheduled job now (ADR 031). */
  TEST_CONTROLS: boolFromEnv.default(false),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  databasePreparedStatements: boolean;
  encryptionKey: string | undefined;
  secureCookies: boolean;
  trustProxy: boolean;
  smtp:
    | { host: string; port: number; secure: boolean; user: string | undefined; password: string | undefined }
    | undefined;
  mailFrom: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  jobsEnabled: boolean;
  metaGraphUrl: string;
  /** Test controls on (only ever with NODE_ENV=test). */
  testControls: boolean;
};

export class ConfigError extends Error {}

/** Validates the environment once at start-up; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.TEST_CONTROLS && e.NODE_ENV !== 'test') {
    throw new ConfigError(`Invalid environment:\n  TEST_CONTROLS: only allowed with NODE_ENV=test (it lets anyone move the server's clock)`);
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    encryptionKey: e.ENCRYPTION_KEY,
    secureCookies: e.SECURE_COOKIES ?? publicUrl.startsWith('https://'),
    trustProxy: e.TRUST_PROXY,
    smtp: e.SMTP_HOST
      ? { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE, user: e.SMTP_USER, password: e.SMTP_PASSWORD }
      : undefined,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    jobsEnabled: e.JOBS_ENABLED,
    metaGraphUrl: e.META_GRAPH_URL.replace(/\/$/, ''),
    testControls: e.TEST_CONTROLS,
  };
}
