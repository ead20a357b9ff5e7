using System.Security.Cryptography;

namespace PrivacyNode.Node.Configuration;

/// <summary>
/// A new data directory built aside and moved into place whole, so that a failure leaves nothing: staged beside the target,
/// or inside it when the target is an empty directory made for the node (a service's data directory, whose parent the
/// service's user cannot write). The target ends owner-only.
/// </summary>
public sealed class StagedDirectory
{
    private readonly bool _inside;

    private StagedDirectory(DataDirectory target, bool inside, DataDirectory staging)
    {
        (Target, _inside, Staging) = (target, inside, staging);
    }

    public DataDirectory Target { get; }

    /// <summary>Where to build the directory's contents.</summary>
    public DataDirectory Staging { get; }

    /// <summary>Starts building <paramref name="target"/>, which must be new or an empty directory.</summary>
    /// <exception cref="NodeException">The target is a file, holds a node or is not empty, or the staging directory cannot be made.</exception>
    public static StagedDirectory Begin(DataDirectory target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (File.Exists(target.Path))
        {
            throw new NodeException($"'{target.Path}' is a file; choose a directory for the node's data.");
        }

        var inside = Directory.Exists(target.Path);
        if (inside && File.Exists(target.ConfigurationFile))
        {
            throw new NodeException($"'{target.Path}' already holds a node. Use another --data-dir, or delete it to start over (its peers will need to pair again).");
        }

        if (inside && Directory.EnumerateFileSystemEntries(target.Path).Any())
        {
            throw new NodeException($"'{target.Path}' exists and is not empty; choose an empty or new directory.");
        }

        var parent = inside ? target.Path : Path.GetDirectoryName(target.Path)!;
        var staging = new DataDirectory(Path.Combine(parent, $".{Path.GetFileName(target.Path)}.new-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}"));
        var staged = new StagedDirectory(target, inside, staging);
        try
        {
            Directory.CreateDirectory(parent);
            OwnerOnlyFile.CreateDirectory(staging.Path);
            return staged;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw staged.Abandon(ex);
        }
    }

    /// <summary>Moves the staged contents into place.</summary>
    public void Commit()
    {
        if (!_inside)
        {
            Directory.Move(Staging.Path, Target.Path);
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Target.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var entry in new DirectoryInfo(Staging.Path).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(Target.Path, entry.Name);
            if (entry is DirectoryInfo directory)
            {
                directory.MoveTo(destination);
            }
            else
            {
                File.Move(entry.FullName, destination);
            }
        }

        Directory.Delete(Staging.Path);
    }

    /// <summary>Removes everything staged or moved so far (the target was new or empty, so all of it is this build's); returns
    /// <paramref name="failure"/> to rethrow, as a <see cref="NodeException"/> when it is a file system error.</summary>
    public Exception Abandon(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (!_inside && Directory.Exists(Staging.Path))
        {
            Directory.Delete(Staging.Path, recursive: true);
        }

        if (_inside && Directory.Exists(Target.Path))
        {
            foreach (var entry in new DirectoryInfo(Target.Path).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        return failure is IOException or UnauthorizedAccessException
            ? new NodeException($"Cannot write the node's data directory '{Target.Path}': {failure.Message}", failure)
            : failure;
    }
}
