// SQL of database spans, formatted for reading with sql-formatter (loaded
// only when a query is shown). The dialect follows the span's db.system.

/** sql-formatter's dialect for an OpenTelemetry db.system value. */
export function sqlDialect(system?: string): string {
  switch (system) {
    case 'postgresql':
    case 'postgres':
      return 'postgresql';
    case 'mysql':
      return 'mysql';
    case 'mariadb':
      return 'mariadb';
    case 'sqlite':
      return 'sqlite';
    case 'mssql':
      return 'transactsql';
    case 'oracle':
      return 'plsql';
    case 'bigquery':
      return 'bigquery';
    case 'redshift':
      return 'redshift';
    case 'snowflake':
      return 'snowflake';
    default:
      return 'sql';
  }
}

/** The query formatted; the query as sent when the formatter cannot parse it. */
export async function formatSQL(query: string, system?: string): Promise<string> {
  const { format } = await import('sql-formatter');
  try {
    return format(query, { language: sqlDialect(system) as 'sql', keywordCase: 'upper' });
  } catch {
    return query;
  }
}

/** Whether a span's description is a SQL query (its op, else what it starts with). */
export function isSQL(op?: string, system?: string, text?: string): boolean {
  if (op === 'db' || op?.startsWith('db.sql') || op === 'db.query') {
    if (system && ['redis', 'mongodb', 'memcached', 'elasticsearch', 'cassandra', 'dynamodb'].includes(system)) return false;
    return true;
  }
  return /^\s*(select|insert|update|delete|with|create|alter|drop)\b/i.test(text ?? '');
}
