namespace PrivacyNode.Contracts;

/// <summary>Process exit codes of <c>privacynode</c> and <c>privacynode-node</c>, for scripts.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The node refused or could not do it (not found, already exists, failed precondition, …).</summary>
    public const int Failed = 1;

    /// <summary>The command line is invalid.</summary>
    public const int Usage = 2;

    /// <summary>The configuration or data directory is invalid or unusable.</summary>
    public const int Configuration = 3;

    /// <summary>The node could not be reached, or an endpoint could not be bound.</summary>
    public const int Unavailable = 4;

    /// <summary>Missing or wrong token, or the user's role does not allow it.</summary>
    public const int Denied = 5;
}
