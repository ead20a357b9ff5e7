using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivacyNode.Node.Configuration;

namespace PrivacyNode.Node.Hosting;

/// <summary>
/// The encryption of a backup file: a stream sealed under a passphrase in authenticated chunks, so that any change, reordering or
/// truncation is detected. Layout: the header (<c>PNBACKUP</c>, version 1, PBKDF2-HMAC-SHA256 iteration count as 4 bytes big-endian,
/// 16-byte salt), then chunks of at most <see cref="ChunkSize"/> plaintext bytes, each its 4-byte big-endian length (top bit set on
/// the last chunk), its AES-256-GCM ciphertext and 16-byte tag; nothing follows the last chunk. Chunk i's nonce is 4 zero bytes and
/// i as 8 bytes big-endian; its associated data is the header and one byte, 1 for the last chunk and 0 otherwise (the STREAM
/// construction of Hoang, Reyhanitabar, Rogaway and Vizár, CRYPTO 2015).
/// The key is PBKDF2-HMAC-SHA256 of the passphrase (UTF-8) and salt.
/// </summary>
public sealed class SealedStream : Stream
{
    /// <summary>Plaintext bytes per chunk.</summary>
    public const int ChunkSize = 1 << 20;

    private const int Iterations = 600_000;
    private static readonly byte[] Magic = "PNBACKUP"u8.ToArray();
    private const int HeaderSize = 8 + 1 + 4 + 16;
    private const int TagSize = 16;
    private const uint LastFlag = 0x8000_0000;

    private readonly Stream _inner;
    private readonly bool _writing;
    private readonly AesGcm _aes;
    private readonly byte[] _header;
    private readonly byte[] _plain = new byte[ChunkSize];
    private int _count;
    private int _position;
    private ulong _chunk;
    private bool _final;

    private SealedStream(Stream inner, bool writing, byte[] header, byte[] key)
    {
        (_inner, _writing, _header) = (inner, writing, header);
        _aes = new AesGcm(key, TagSize);
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>Starts a sealed stream on <paramref name="inner"/>, writing its header; dispose it to write the last chunk.</summary>
    public static SealedStream Create(Stream inner, KeyPassphrase passphrase)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        header[8] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(9), Iterations);
        RandomNumberGenerator.Fill(header.AsSpan(13));
        inner.Write(header);
        return new SealedStream(inner, writing: true, header, Key(passphrase, header));
    }

    /// <summary>Opens a sealed stream on <paramref name="inner"/> for reading.</summary>
    /// <exception cref="NodeException">Not a backup file, or a version this software cannot read.</exception>
    public static SealedStream Open(Stream inner, KeyPassphrase passphrase)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var header = new byte[HeaderSize];
        if (inner.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize || !header.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new NodeException("This is not a PrivacyNode backup file.");
        }

        var iterations = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(9));
        if (header[8] != 1 || iterations is < 100_000 or > 10_000_000)
        {
            throw new NodeException($"This backup file has format {header[8]}, which this software cannot read.");
        }

        return new SealedStream(inner, writing: false, header, Key(passphrase, header));
    }

    public override bool CanRead => !_writing;

    public override bool CanWrite => _writing;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_count == ChunkSize)
            {
                Seal(final: false);
            }

            var n = Math.Min(buffer.Length, ChunkSize - _count);
            buffer[..n].CopyTo(_plain.AsSpan(_count));
            _count += n;
            buffer = buffer[n..];
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <exception cref="NodeException">The passphrase is wrong, or the file was changed or cut short.</exception>
    public override int Read(Span<byte> buffer)
    {
        while (_position == _count && !_final)
        {
            Open();
        }

        var n = Math.Min(buffer.Length, _count - _position);
        _plain.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_writing && !_final)
            {
                Seal(final: true);
                _inner.Flush();
            }

            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }

        base.Dispose(disposing);
    }

    private static byte[] Key(KeyPassphrase passphrase, byte[] header)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        if (!passphrase.IsSet)
        {
            throw new NodeException("A backup needs a passphrase: give it with --backup-passphrase-file FILE.");
        }

        // Encoded straight from the passphrase's own characters, so that no copy of them is left unzeroed.
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(passphrase.Characters)];
        System.Text.Encoding.UTF8.GetBytes(passphrase.Characters, bytes);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(bytes, header.AsSpan(13, 16), (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(9)), HashAlgorithmName.SHA256, 32);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private void Seal(bool final)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> tag = stackalloc byte[TagSize];
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], _chunk++);
        var cipher = new byte[_count];
        _aes.Encrypt(nonce, _plain.AsSpan(0, _count), cipher, tag, Associated(final));
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)_count | (final ? LastFlag : 0));
        _inner.Write(length);
        _inner.Write(cipher);
        _inner.Write(tag);
        (_count, _final) = (0, final);
    }

    private void Open()
    {
        Span<byte> length = stackalloc byte[4];
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> tag = stackalloc byte[TagSize];
        if (_inner.ReadAtLeast(length, 4, throwOnEndOfStream: false) < 4)
        {
            throw new NodeException("The backup file is cut short: it ends before its last part.");
        }

        var field = BinaryPrimitives.ReadUInt32BigEndian(length);
        var (count, final) = (field & ~LastFlag, (field & LastFlag) != 0);
        var cipher = count <= ChunkSize ? new byte[count] : throw new NodeException("The backup file is damaged (a part longer than any this software writes).");
        if (_inner.ReadAtLeast(cipher, cipher.Length, throwOnEndOfStream: false) < cipher.Length || _inner.ReadAtLeast(tag, TagSize, throwOnEndOfStream: false) < TagSize)
        {
            throw new NodeException("The backup file is cut short: it ends inside a part.");
        }

        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], _chunk);
        try
        {
            _aes.Decrypt(nonce, cipher, tag, _plain.AsSpan(0, cipher.Length), Associated(final));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new NodeException(_chunk == 0
                ? "The backup passphrase is wrong, or the backup file was changed."
                : "The backup file was changed or cut short: a part does not authenticate.", ex);
        }

        if (final && _inner.ReadByte() >= 0)
        {
            throw new NodeException("The backup file has bytes after its last part; it was changed.");
        }

        (_count, _position, _final) = (cipher.Length, 0, final);
        _chunk++;
    }

    private byte[] Associated(bool final) => [.. _header, final ? (byte)1 : (byte)0];
}
