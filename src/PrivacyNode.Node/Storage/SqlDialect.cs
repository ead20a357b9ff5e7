namespace PrivacyNode.Node.Storage;

/// <summary>The SQL dialects the store supports. Schema text uses <c>{blob}</c> where their type names differ.</summary>
public enum SqlDialect
{
    Sqlite,
    PostgreSql,
}
