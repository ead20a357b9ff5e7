namespace PrivacyNode.Node.Catalog;

/// <summary>A data source cannot be read: malformed CSV, invalid encoding, a missing table or column. The message says where.</summary>
public sealed class DataSourceException : Exception
{
    public DataSourceException(string message)
        : base(message)
    {
    }

    public DataSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DataSourceException()
    {
    }
}
