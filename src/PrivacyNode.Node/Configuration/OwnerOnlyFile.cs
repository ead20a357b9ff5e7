namespace PrivacyNode.Node.Configuration;

/// <summary>Secret files in the data directory: written with owner-only permissions and replaced atomically.</summary>
public static class OwnerOnlyFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file flushed to disk, then renames it into place.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
