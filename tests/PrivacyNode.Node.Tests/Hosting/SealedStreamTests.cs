using System.Security.Cryptography;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.Node.Tests.Hosting;

/// <summary>The backup file's sealing: what is written reads back, and any change, reordering, truncation or extension is refused.</summary>
public sealed class SealedStreamTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pn-sealed-").FullName;
    private readonly KeyPassphrase _passphrase;

    public SealedStreamTests()
    {
        File.WriteAllText(Path.Combine(_root, "p"), "backup passphrase\n");
        _passphrase = KeyPassphrase.Read(Path.Combine(_root, "p"), null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SealedStream.ChunkSize)]
    [InlineData((2 * SealedStream.ChunkSize) + 17)]
    public void Sealed_ReadsBackWhatWasWritten(int length)
    {
        var plain = RandomNumberGenerator.GetBytes(length);

        Assert.Equal(plain, Unseal(Seal(plain)));
    }

    [Fact]
    public void Sealed_AnyChangeTruncationOrExtension_IsRefused()
    {
        var plain = RandomNumberGenerator.GetBytes((2 * SealedStream.ChunkSize) + 5);
        var sealedBytes = Seal(plain);
        const int header = 29;
        var chunk = 4 + SealedStream.ChunkSize + 16;
        var flipped = (byte[])sealedBytes.Clone();
        flipped[header + chunk + 100] ^= 0x40;
        byte[] swapped = [.. sealedBytes[..header], .. sealedBytes.AsSpan(header + chunk, chunk), .. sealedBytes.AsSpan(header, chunk), .. sealedBytes[(header + (2 * chunk))..]];

        Assert.Contains("changed", Assert.Throws<NodeException>(() => Unseal(flipped)).Message, StringComparison.Ordinal);
        Assert.Contains("cut short", Assert.Throws<NodeException>(() => Unseal(sealedBytes[..(header + chunk)])).Message, StringComparison.Ordinal);
        Assert.Contains("cut short", Assert.Throws<NodeException>(() => Unseal(sealedBytes[..^3])).Message, StringComparison.Ordinal);
        Assert.Contains("after its last part", Assert.Throws<NodeException>(() => Unseal([.. sealedBytes, 0])).Message, StringComparison.Ordinal);
        Assert.Throws<NodeException>(() => Unseal(swapped));
        Assert.Contains("not a PrivacyNode backup", Assert.Throws<NodeException>(() => Unseal(plain[..100])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sealed_WrongPassphrase_IsNamed()
    {
        var sealedBytes = Seal([1, 2, 3]);
        File.WriteAllText(Path.Combine(_root, "q"), "another passphrase\n");
        using var wrong = KeyPassphrase.Read(Path.Combine(_root, "q"), null);

        using var stream = SealedStream.Open(new MemoryStream(sealedBytes), wrong);
        var ex = Assert.Throws<NodeException>(() => stream.CopyTo(Stream.Null));

        Assert.Contains("passphrase is wrong", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _passphrase.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private byte[] Seal(byte[] plain)
    {
        var buffer = new MemoryStream();
        using (var stream = SealedStream.Create(buffer, _passphrase))
        {
            stream.Write(plain);
        }

        return buffer.ToArray();
    }

    private byte[] Unseal(byte[] sealedBytes)
    {
        using var stream = SealedStream.Open(new MemoryStream(sealedBytes), _passphrase);
        var plain = new MemoryStream();
        stream.CopyTo(plain);
        return plain.ToArray();
    }
}
