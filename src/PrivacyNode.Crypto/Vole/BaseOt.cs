using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Vole;

/// <summary>
/// A batch of random 1-out-of-2 OTs from public-key operations: the endemic OT of Masny and Rindal ("Endemic Oblivious Transfer",
/// CCS 2019, figure 3) on ristretto255 (RFC 9496). One message each way, neither depending on the other. The sender publishes
/// A = a·G; for OT i with choice c the receiver draws b_i, sets r_{1−c} uniform and r_c = b_i·G − H(i, r_{1−c}), and sends
/// (r_0, r_1). The sender's keys are k_b = KDF(i, a·(r_b + H(i, r_{1−b}))), the receiver's k_c = KDF(i, b_i·A): equal for b = c,
/// and for b ≠ c a Diffie–Hellman value the receiver cannot compute. The pair (r_0, r_1) is uniform whatever c is.
/// </summary>
public static class BaseOt
{
    /// <summary>Bytes of one derived key.</summary>
    public const int KeySize = 16;

    /// <summary>Bytes of the sender's message.</summary>
    public const int SenderMessageSize = RistrettoPoint.Size;

    /// <summary>Bytes of the receiver's message per OT.</summary>
    public const int ReceiverMessageSize = 2 * RistrettoPoint.Size;

    private static ReadOnlySpan<byte> HashDomain => "privacynode-base-ot-v1-H"u8;

    private static ReadOnlySpan<byte> KeyDomain => "privacynode-base-ot-v1-key"u8;

    /// <summary>H(i, r): the receiver's pair ties r_c to r_{1−c} through it.</summary>
    internal static RistrettoPoint Hash(int index, ReadOnlySpan<byte> encoded)
    {
        Span<byte> message = stackalloc byte[sizeof(int) + RistrettoPoint.Size];
        BinaryPrimitives.WriteInt32LittleEndian(message, index);
        encoded.CopyTo(message[sizeof(int)..]);
        return RistrettoPoint.HashToGroup(message, HashDomain);
    }

    /// <summary>KDF(i, P) over the whole transcript of OT i: SHA-256(domain ‖ i ‖ A ‖ r_0 ‖ r_1 ‖ P), first 16 bytes.</summary>
    internal static byte[] DeriveKey(int index, ReadOnlySpan<byte> senderMessage, ReadOnlySpan<byte> pair, RistrettoPoint shared)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[RistrettoPoint.Size];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, index);
        hash.AppendData(KeyDomain);
        hash.AppendData(buffer[..sizeof(int)]);
        hash.AppendData(senderMessage);
        hash.AppendData(pair);
        shared.Encode(buffer);
        hash.AppendData(buffer);
        CryptographicOperations.ZeroMemory(buffer);
        var digest = hash.GetHashAndReset();
        var key = digest[..KeySize];
        CryptographicOperations.ZeroMemory(digest);
        return key;
    }

    /// <summary>Reads a canonical, non-identity encoding.</summary>
    internal static RistrettoPoint Decode(ReadOnlySpan<byte> encoded, string what) =>
        RistrettoPoint.TryDecode(encoded, out var point) && point != RistrettoPoint.Identity
            ? point
            : throw new VoleProtocolException($"The {what} is not a canonical non-identity ristretto255 element.");
}

/// <summary>The sender of a batch of base OTs: one secret scalar, and two keys per OT once the receiver's pairs arrive.</summary>
/// <remarks>Dispose to zero the scalar.</remarks>
public sealed class BaseOtSender : IDisposable
{
    private readonly Scalar _secret = Scalar.Random();

    /// <summary>A = a·G, sent to the receiver.</summary>
    public byte[] Message() => RistrettoPoint.Generator.Multiply(_secret).ToArray();

    /// <summary>Both keys of every OT from the receiver's message (<see cref="BaseOt.ReceiverMessageSize"/> bytes per OT).</summary>
    /// <exception cref="VoleProtocolException">Not <paramref name="count"/> pairs of valid elements.</exception>
    public (byte[][] Zero, byte[][] One) Keys(int count, ReadOnlySpan<byte> receiverMessage)
    {
        if (receiverMessage.Length != count * BaseOt.ReceiverMessageSize)
        {
            throw new VoleProtocolException($"The base-OT receiver sends {count} pairs of elements ({count * BaseOt.ReceiverMessageSize} bytes); got {receiverMessage.Length} bytes.");
        }

        var message = Message();
        var zero = new byte[count][];
        var one = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var pair = receiverMessage.Slice(i * BaseOt.ReceiverMessageSize, BaseOt.ReceiverMessageSize);
            var r0 = BaseOt.Decode(pair[..RistrettoPoint.Size], "base-OT receiver's element");
            var r1 = BaseOt.Decode(pair[RistrettoPoint.Size..], "base-OT receiver's element");
            var b0 = r0.Add(BaseOt.Hash(i, pair[RistrettoPoint.Size..]));
            var b1 = r1.Add(BaseOt.Hash(i, pair[..RistrettoPoint.Size]));
            zero[i] = BaseOt.DeriveKey(i, message, pair, b0.Multiply(_secret));
            one[i] = BaseOt.DeriveKey(i, message, pair, b1.Multiply(_secret));
        }

        return (zero, one);
    }

    /// <summary>Zeroes the scalar.</summary>
    public void Dispose() => _secret.Dispose();
}

/// <summary>The receiver of a batch of base OTs: its choice bits, one secret scalar per OT, and the chosen keys once A arrives.</summary>
/// <remarks>Dispose to zero the scalars.</remarks>
public sealed class BaseOtReceiver : IDisposable
{
    private readonly Scalar[] _secrets;
    private readonly byte[] _message;

    /// <summary>A receiver choosing <paramref name="choices"/>[i] in OT i.</summary>
    public BaseOtReceiver(IReadOnlyList<bool> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        _secrets = new Scalar[choices.Count];
        _message = new byte[choices.Count * BaseOt.ReceiverMessageSize];
        Span<byte> uniform = stackalloc byte[64];
        for (var i = 0; i < choices.Count; i++)
        {
            _secrets[i] = Scalar.Random();
            var pair = _message.AsSpan(i * BaseOt.ReceiverMessageSize, BaseOt.ReceiverMessageSize);
            // X uniform and Y = b·G − H(i, X), placed as (Y, X) for choice 0 and (X, Y) for 1 by a swap without branches.
            Span<byte> x = pair[..RistrettoPoint.Size];
            Span<byte> y = pair[RistrettoPoint.Size..];
            CryptoRandom.Fill(uniform);
            RistrettoPoint.FromUniformBytes(uniform).Encode(x);
            RistrettoPoint.Generator.Multiply(_secrets[i]).Add(BaseOt.Hash(i, x).Negate()).Encode(y);
            var mask = (byte)(choices[i] ? 0 : 0xFF);
            for (var b = 0; b < RistrettoPoint.Size; b++)
            {
                var swap = (byte)((x[b] ^ y[b]) & mask);
                x[b] ^= swap;
                y[b] ^= swap;
            }
        }

        Choices = [.. choices];
    }

    /// <summary>The choice bits.</summary>
    public IReadOnlyList<bool> Choices { get; }

    /// <summary>The pairs (r_0, r_1), sent to the sender.</summary>
    public ReadOnlySpan<byte> Message => _message;

    /// <summary>The chosen key of every OT from the sender's A.</summary>
    /// <exception cref="VoleProtocolException">A is not a valid element.</exception>
    public byte[][] Keys(ReadOnlySpan<byte> senderMessage)
    {
        if (senderMessage.Length != BaseOt.SenderMessageSize)
        {
            throw new VoleProtocolException($"The base-OT sender's message is one element ({BaseOt.SenderMessageSize} bytes); got {senderMessage.Length} bytes.");
        }

        var a = BaseOt.Decode(senderMessage, "base-OT sender's element");
        var keys = new byte[_secrets.Length][];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = BaseOt.DeriveKey(i, senderMessage, _message.AsSpan(i * BaseOt.ReceiverMessageSize, BaseOt.ReceiverMessageSize), a.Multiply(_secrets[i]));
        }

        return keys;
    }

    /// <summary>Zeroes the scalars.</summary>
    public void Dispose()
    {
        foreach (var secret in _secrets)
        {
            secret.Dispose();
        }
    }
}
