namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PrivacyNode.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PrivacyNode.sln not found above " + AppContext.BaseDirectory);
    }
}
