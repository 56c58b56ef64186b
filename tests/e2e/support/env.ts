// Connection settings exported by scripts/test. A missing one fails the run.

export function requiredEnv(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is not set; run the e2e suite through ./scripts/test (it exports it)`);
  return v;
}

/** Npgsql "Host=..;Port=..;Username=..;Password=..;Database=.." to its parts. */
export function parseNpgsql(cs: string): { host: string; port: number; user: string; password: string; database: string } {
  const parts = new Map<string, string>();
  for (const kv of cs.split(';')) {
    const i = kv.indexOf('=');
    if (i > 0) parts.set(kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim());
  }
  return {
    host: parts.get('host') ?? '127.0.0.1',
    port: Number(parts.get('port') ?? '5432'),
    user: parts.get('username') ?? parts.get('user id') ?? 'postgres',
    password: parts.get('password') ?? '',
    database: parts.get('database') ?? 'postgres',
  };
}

export function toNpgsql(p: ReturnType<typeof parseNpgsql>): string {
  return `Host=${p.host};Port=${p.port};Username=${p.user};Password=${p.password};Database=${p.database}`;
}
