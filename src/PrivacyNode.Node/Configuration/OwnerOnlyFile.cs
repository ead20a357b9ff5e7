namespace PrivacyNode.Node.Configuration;

/// <summary>Secret files in the data directory: written with owner-only permissions and replaced atomically.</summary>
public static class OwnerOnlyFile
{
    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> as <see cref="WriteAtomically(string, ReadOnlySpan{byte})"/> does.</summary>
    public static void WriteAtomically(string path, string text) => WriteAtomically(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file flushed to disk, then renames it into place.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, Writing(FileMode.Create)))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Options to open a file for writing with <paramref name="mode"/>; a file it creates is readable only by the owner, where the OS has such modes.</summary>
    public static FileStreamOptions Writing(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    /// <summary>Creates <paramref name="path"/> (and its parents) readable only by the owner, where the OS has such modes.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
