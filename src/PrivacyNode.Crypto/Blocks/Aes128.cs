using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace PrivacyNode.Crypto.Blocks;

/// <summary>
/// AES-128 (FIPS 197) encryption of 16-byte blocks under one key, the block cipher of the OT-extension and VOLE hot loops:
/// fixed-key hashing and counter-mode PRGs. AES-NI where the CPU has it, eight blocks in flight; otherwise the platform's AES.
/// </summary>
/// <remarks>Thread-safe after construction (the round keys are only read). Dispose to zero them.</remarks>
public sealed class Aes128 : IDisposable
{
    /// <summary>The block size in bytes.</summary>
    public const int BlockSize = 16;

    private const int Rounds = 10;
    private readonly Vector128<byte>[] _roundKeys = new Vector128<byte>[Rounds + 1];
    private readonly System.Security.Cryptography.Aes? _portable;

    /// <summary>AES-128 under <paramref name="key"/> (16 bytes).</summary>
    public Aes128(ReadOnlySpan<byte> key)
    {
        if (key.Length != BlockSize)
        {
            throw new ArgumentException("An AES-128 key is 16 bytes.", nameof(key));
        }

        if (IsHardwareAccelerated)
        {
            ExpandKey(Vector128.Create(key), _roundKeys);
        }
        else
        {
            _portable = System.Security.Cryptography.Aes.Create();
            _portable.Key = key.ToArray();
        }
    }

    /// <summary>Whether blocks are encrypted with AES-NI.</summary>
    public static bool IsHardwareAccelerated => X86Aes.IsSupported && X86Sse2.IsSupported;

    /// <summary>Encrypts the blocks of <paramref name="input"/> into <paramref name="output"/> (ECB: each block on its own; the two may be the same).</summary>
    public void Encrypt(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length % BlockSize != 0 || output.Length != input.Length)
        {
            throw new ArgumentException("Input and output are the same whole number of 16-byte blocks.", nameof(output));
        }

        if (_portable is not null)
        {
            _portable.EncryptEcb(input, output, PaddingMode.None);
            return;
        }

        var blocks = input.Length / BlockSize;
        ref var source = ref Unsafe.As<byte, Vector128<byte>>(ref MemoryMarshal.GetReference(input));
        ref var target = ref Unsafe.As<byte, Vector128<byte>>(ref MemoryMarshal.GetReference(output));
        var i = 0;
        for (; i + 8 <= blocks; i += 8)
        {
            Encrypt8(ref Unsafe.Add(ref source, i), ref Unsafe.Add(ref target, i));
        }

        for (; i < blocks; i++)
        {
            Unsafe.Add(ref target, i) = EncryptBlock(Unsafe.Add(ref source, i));
        }
    }

    /// <summary>Zeroes the round keys.</summary>
    public void Dispose()
    {
        Array.Clear(_roundKeys);
        _portable?.Dispose();
    }

    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var keys = _roundKeys;
        var x = block ^ keys[0];
        for (var r = 1; r < Rounds; r++)
        {
            x = X86Aes.Encrypt(x, keys[r]);
        }

        return X86Aes.EncryptLast(x, keys[Rounds]);
    }

    /// <summary>Eight independent blocks per round, so the AES unit's latency is hidden behind the others.</summary>
    private void Encrypt8(ref Vector128<byte> source, ref Vector128<byte> target)
    {
        var keys = _roundKeys;
        var k = keys[0];
        var x0 = source ^ k;
        var x1 = Unsafe.Add(ref source, 1) ^ k;
        var x2 = Unsafe.Add(ref source, 2) ^ k;
        var x3 = Unsafe.Add(ref source, 3) ^ k;
        var x4 = Unsafe.Add(ref source, 4) ^ k;
        var x5 = Unsafe.Add(ref source, 5) ^ k;
        var x6 = Unsafe.Add(ref source, 6) ^ k;
        var x7 = Unsafe.Add(ref source, 7) ^ k;
        for (var r = 1; r < Rounds; r++)
        {
            k = keys[r];
            x0 = X86Aes.Encrypt(x0, k);
            x1 = X86Aes.Encrypt(x1, k);
            x2 = X86Aes.Encrypt(x2, k);
            x3 = X86Aes.Encrypt(x3, k);
            x4 = X86Aes.Encrypt(x4, k);
            x5 = X86Aes.Encrypt(x5, k);
            x6 = X86Aes.Encrypt(x6, k);
            x7 = X86Aes.Encrypt(x7, k);
        }

        k = keys[Rounds];
        target = X86Aes.EncryptLast(x0, k);
        Unsafe.Add(ref target, 1) = X86Aes.EncryptLast(x1, k);
        Unsafe.Add(ref target, 2) = X86Aes.EncryptLast(x2, k);
        Unsafe.Add(ref target, 3) = X86Aes.EncryptLast(x3, k);
        Unsafe.Add(ref target, 4) = X86Aes.EncryptLast(x4, k);
        Unsafe.Add(ref target, 5) = X86Aes.EncryptLast(x5, k);
        Unsafe.Add(ref target, 6) = X86Aes.EncryptLast(x6, k);
        Unsafe.Add(ref target, 7) = X86Aes.EncryptLast(x7, k);
    }

    /// <summary>The AES-128 key schedule (FIPS 197 §5.2) with AESKEYGENASSIST; its round constant must be a literal, hence the unrolling.</summary>
    private static void ExpandKey(Vector128<byte> key, Vector128<byte>[] keys)
    {
        keys[0] = key;
        keys[1] = Next(keys[0], X86Aes.KeygenAssist(keys[0], 0x01));
        keys[2] = Next(keys[1], X86Aes.KeygenAssist(keys[1], 0x02));
        keys[3] = Next(keys[2], X86Aes.KeygenAssist(keys[2], 0x04));
        keys[4] = Next(keys[3], X86Aes.KeygenAssist(keys[3], 0x08));
        keys[5] = Next(keys[4], X86Aes.KeygenAssist(keys[4], 0x10));
        keys[6] = Next(keys[5], X86Aes.KeygenAssist(keys[5], 0x20));
        keys[7] = Next(keys[6], X86Aes.KeygenAssist(keys[6], 0x40));
        keys[8] = Next(keys[7], X86Aes.KeygenAssist(keys[7], 0x80));
        keys[9] = Next(keys[8], X86Aes.KeygenAssist(keys[8], 0x1b));
        keys[10] = Next(keys[9], X86Aes.KeygenAssist(keys[9], 0x36));

        static Vector128<byte> Next(Vector128<byte> previous, Vector128<byte> assist)
        {
            // Each word of the next key is the previous key's word xored with all the words before it, then with RotWord(SubWord(w3)) ^ rcon.
            var spread = X86Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
            var k = previous;
            k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
            k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
            k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
            return k ^ spread;
        }
    }
}
