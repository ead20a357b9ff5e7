using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Tests.Bfv;

/// <summary>
/// BFV against a plaintext model on random slot vectors: encryption (public and secret key), decryption,
/// ct±ct, negation, plaintext addition and multiplication; fresh noise budgets beside SEAL's; wrong keys and
/// parameter mismatches; the batch encoder's ranges.
/// </summary>
public sealed class BfvTests
{
    private readonly Random _random = new(20261202);

    public static TheoryData<string> Sets => new() { nameof(InsecureTestParameters.InsecureLogN4), nameof(InsecureTestParameters.InsecureLogN4LargeT), nameof(BfvParameterSets.Sec128LogN12LogQ109) };

    [Theory]
    [MemberData(nameof(Sets))]
    public void Operations_MatchThePlaintextModel(string set)
    {
        var parameters = Named(set);
        var t = parameters.PlainModulus.Value;
        using var secretKey = new KeyGenerator(parameters).CreateSecretKey();
        var publicKey = new KeyGenerator(parameters).CreatePublicKey(secretKey);
        var encoder = new BatchEncoder(parameters);
        var evaluator = new Evaluator(parameters);
        var decryptor = new Decryptor(secretKey);
        var a = RandomSlots(parameters);
        var b = RandomSlots(parameters);
        var ca = new Encryptor(publicKey).Encrypt(encoder.Encode(a));
        var cb = new Encryptor(secretKey).Encrypt(encoder.Encode(b));
        ulong[] Open(Ciphertext c) => encoder.Decode(decryptor.Decrypt(c));

        Assert.Equal(a, Open(ca));
        Assert.Equal(b, Open(cb));
        Assert.Equal(Zip(a, b, (x, y) => (x + y) % t), Open(evaluator.Add(ca, cb)));
        Assert.Equal(Zip(a, b, (x, y) => (x + t - y) % t), Open(evaluator.Subtract(ca, cb)));
        Assert.Equal(a.Select(x => (t - x) % t), Open(evaluator.Negate(ca)));
        Assert.Equal(Zip(a, b, (x, y) => (x + y) % t), Open(evaluator.AddPlain(ca, encoder.Encode(b))));
        Assert.Equal(Zip(a, b, (x, y) => (x + t - y) % t), Open(evaluator.SubtractPlain(ca, encoder.Encode(b))));
        var product = Zip(a, b, (x, y) => (ulong)((UInt128)x * y % t));
        Assert.Equal(product, Open(evaluator.MultiplyPlain(ca, encoder.Encode(b))));
        var nttPlain = evaluator.TransformToNtt(encoder.Encode(b));
        Assert.Equal(product, Open(evaluator.MultiplyPlain(ca.Clone(), nttPlain)));
        Assert.Equal(Zip(b, b, (x, y) => (ulong)((UInt128)x * y % t)), Open(evaluator.MultiplyPlain(cb, nttPlain)));
        Assert.Equal(Zip(product, a, (x, y) => (x + y) % t), Open(evaluator.Add(evaluator.MultiplyPlain(ca, nttPlain), ca)));
        // Inputs are left as they were.
        Assert.Equal(a, Open(ca));
    }

    /// <summary>SEAL 4.4.3's fresh budgets for these sets are 45, 146 and 361 bits (../shared/docs/targets.md).</summary>
    [Theory]
    [InlineData(nameof(BfvParameterSets.Sec128LogN12LogQ109), 45)]
    [InlineData(nameof(BfvParameterSets.Sec128LogN13LogQ218), 146)]
    [InlineData(nameof(BfvParameterSets.Sec128LogN14LogQ438), 361)]
    public void FreshNoiseBudget_IsWithinTwoBitsOfSeals(string set, int seal)
    {
        var parameters = Named(set);
        using var secretKey = new KeyGenerator(parameters).CreateSecretKey();
        var publicKey = new KeyGenerator(parameters).CreatePublicKey(secretKey);
        var encoder = new BatchEncoder(parameters);
        var decryptor = new Decryptor(secretKey);
        var fresh = new Encryptor(publicKey).Encrypt(encoder.Encode(RandomSlots(parameters)));

        Assert.InRange(decryptor.InvariantNoiseBudget(fresh), seal - 2, seal + 2);
        // Symmetric encryption carries only e: a larger budget.
        Assert.True(decryptor.InvariantNoiseBudget(new Encryptor(secretKey).Encrypt(encoder.Encode([1UL]))) >= decryptor.InvariantNoiseBudget(fresh));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void MultiplyAndRelinearize_MatchThePlaintextModel(string set)
    {
        var parameters = Named(set);
        var t = parameters.PlainModulus.Value;
        var generator = new KeyGenerator(parameters);
        using var secretKey = generator.CreateSecretKey();
        var relinearization = generator.CreateRelinearizationKeys(secretKey);
        var encryptor = new Encryptor(generator.CreatePublicKey(secretKey));
        var encoder = new BatchEncoder(parameters);
        var evaluator = new Evaluator(parameters);
        var decryptor = new Decryptor(secretKey);
        var a = RandomSlots(parameters);
        var b = RandomSlots(parameters);
        var product = Zip(a, b, (x, y) => (ulong)((UInt128)x * y % t));

        var tensor = evaluator.Multiply(encryptor.Encrypt(encoder.Encode(a)), encryptor.Encrypt(encoder.Encode(b)));
        Assert.Equal(3, tensor.Size);
        Assert.Equal(product, encoder.Decode(decryptor.Decrypt(tensor)));
        var relinearized = evaluator.Relinearize(tensor, relinearization);
        Assert.Equal(2, relinearized.Size);
        Assert.Equal(product, encoder.Decode(decryptor.Decrypt(relinearized)));
        Assert.True(decryptor.InvariantNoiseBudget(relinearized) > 0);
        Assert.Throws<ArgumentException>(() => evaluator.Multiply(tensor, relinearized));
        Assert.Throws<ArgumentException>(() => evaluator.Relinearize(relinearized, relinearization));
    }

    /// <summary>SEAL 4.4.3 survives 1, 4 and 10 successive squarings (with relinearization) at these sets.</summary>
    [Theory]
    [InlineData(nameof(BfvParameterSets.Sec128LogN12LogQ109), 1)]
    [InlineData(nameof(BfvParameterSets.Sec128LogN13LogQ218), 4)]
    public void MultiplicativeDepth_ReachesSeals(string set, int depth) => AssertDepth(set, depth);

    [Fact]
    [Trait("Category", "Slow")]
    public void MultiplicativeDepth_ReachesSealsAtN16384() => AssertDepth(nameof(BfvParameterSets.Sec128LogN14LogQ438), 10);

    [Theory]
    [MemberData(nameof(Sets))]
    public void Rotations_MoveSlotsAsSeals(string set)
    {
        var parameters = Named(set);
        var half = parameters.Degree / 2;
        var generator = new KeyGenerator(parameters);
        using var secretKey = generator.CreateSecretKey();
        int[] steps = [1, 3, -1, half - 1];
        var galois = generator.CreateGaloisKeys(secretKey, steps, columnSwap: true);
        var encoder = new BatchEncoder(parameters);
        var evaluator = new Evaluator(parameters);
        var decryptor = new Decryptor(secretKey);
        var slots = RandomSlots(parameters);
        var ciphertext = new Encryptor(generator.CreatePublicKey(secretKey)).Encrypt(encoder.Encode(slots));

        foreach (var step in steps)
        {
            // Each row of n/2 slots rotates left by step: slot j takes what was at j + step.
            var expected = Enumerable.Range(0, parameters.Degree).Select(i =>
                slots[((i / half) * half) + ((((i % half) + step) % half) + half) % half]).ToArray();
            Assert.Equal(expected, encoder.Decode(decryptor.Decrypt(evaluator.RotateRows(ciphertext, step, galois))));
        }

        Assert.Equal([.. slots[half..], .. slots[..half]], encoder.Decode(decryptor.Decrypt(evaluator.RotateColumns(ciphertext, galois))));
        Assert.Throws<ArgumentException>(() => evaluator.RotateRows(ciphertext, 2, galois));
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.RotateRows(ciphertext, half, galois));
    }

    [Fact]
    public void ModSwitching_KeepsThePlaintext_AndEveryOperationWorksBelowTheTop()
    {
        var parameters = BfvParameterSets.Sec128LogN13LogQ218;
        var t = parameters.PlainModulus.Value;
        var generator = new KeyGenerator(parameters);
        using var secretKey = generator.CreateSecretKey();
        var relinearization = generator.CreateRelinearizationKeys(secretKey);
        var galois = generator.CreateGaloisKeys(secretKey, [1], columnSwap: false);
        var encoder = new BatchEncoder(parameters);
        var evaluator = new Evaluator(parameters);
        var decryptor = new Decryptor(secretKey);
        var a = RandomSlots(parameters);
        var b = RandomSlots(parameters);
        var ca = new Encryptor(generator.CreatePublicKey(secretKey)).Encrypt(encoder.Encode(a));
        var cb = new Encryptor(secretKey).Encrypt(encoder.Encode(b));
        ulong[] Open(Ciphertext c) => encoder.Decode(decryptor.Decrypt(c));

        // All the way down: the plaintext survives, one prime fewer each time.
        var down = ca;
        for (var level = 4; level > 1; level--)
        {
            Assert.Equal(level, down.Level);
            down = evaluator.ModSwitchToNext(down);
            Assert.Equal(a, Open(down));
        }

        Assert.Equal(1, down.Level);
        Assert.Throws<ArgumentException>(() => evaluator.ModSwitchToNext(down));

        // One level down, everything still computes correctly.
        var la = evaluator.ModSwitchToNext(ca);
        var lb = evaluator.ModSwitchToNext(cb);
        Assert.Equal(3, la.Level);
        Assert.Equal(Zip(a, b, (x, y) => (x + y) % t), Open(evaluator.Add(la, lb)));
        Assert.Equal(Zip(a, b, (x, y) => (ulong)((UInt128)x * y % t)), Open(evaluator.MultiplyPlain(la, encoder.Encode(b))));
        var product = evaluator.Relinearize(evaluator.Multiply(la, lb), relinearization);
        Assert.Equal(3, product.Level);
        Assert.Equal(Zip(a, b, (x, y) => (ulong)((UInt128)x * y % t)), Open(product));
        Assert.True(decryptor.InvariantNoiseBudget(product) > 0);
        var half = parameters.Degree / 2;
        Assert.Equal(Enumerable.Range(0, parameters.Degree).Select(i => a[((i / half) * half) + (((i % half) + 1) % half)]), Open(evaluator.RotateRows(la, 1, galois)));
        Assert.Equal(a, Open(BfvSerializer.DeserializeCiphertext(parameters, BfvSerializer.Serialize(la))));
        Assert.Throws<ArgumentException>(() => evaluator.Add(ca, lb));
    }

    [Fact]
    public void IntegerEncoder_ComputesOnSignedIntegers()
    {
        var parameters = BfvParameterSets.Sec128LogN12LogQ109;
        var generator = new KeyGenerator(parameters);
        using var secretKey = generator.CreateSecretKey();
        var encoder = new IntegerEncoder(parameters);
        var evaluator = new Evaluator(parameters);
        var decryptor = new Decryptor(secretKey);
        var encryptor = new Encryptor(secretKey);

        var sum = evaluator.Add(encryptor.Encrypt(encoder.Encode(-1234)), encryptor.Encrypt(encoder.Encode(5678)));
        Assert.Equal(4444, encoder.Decode(decryptor.Decrypt(sum)));
        Assert.Equal(-8888, encoder.Decode(decryptor.Decrypt(evaluator.MultiplyPlain(sum, encoder.Encode(-2)))));
        var t = (long)parameters.PlainModulus.Value;
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode((t / 2) + 1));
        Assert.Throws<ArgumentException>(() => encoder.Decode(new BatchEncoder(parameters).Encode([1UL, 2UL])));
    }

    [Fact]
    public void WrongKeyOrParameters_AreNoticed()
    {
        var parameters = BfvParameterSets.Sec128LogN12LogQ109;
        var generator = new KeyGenerator(parameters);
        using var mine = generator.CreateSecretKey();
        using var theirs = generator.CreateSecretKey();
        var encoder = new BatchEncoder(parameters);
        var values = RandomSlots(parameters);
        var ciphertext = new Encryptor(generator.CreatePublicKey(mine)).Encrypt(encoder.Encode(values));

        Assert.NotEqual(values, encoder.Decode(new Decryptor(theirs).Decrypt(ciphertext)));
        Assert.Equal(0, new Decryptor(theirs).InvariantNoiseBudget(ciphertext));

        var other = InsecureTestParameters.InsecureLogN4;
        Assert.Throws<ArgumentException>(() => new Decryptor(theirs).Decrypt(new Encryptor(new KeyGenerator(other).CreateSecretKey()).Encrypt(new BatchEncoder(other).Encode([1UL]))));
        Assert.Throws<ArgumentException>(() => new Evaluator(other).Add(ciphertext, ciphertext));
        Assert.Throws<ArgumentException>(() => new Encryptor(mine).Encrypt(new BatchEncoder(other).Encode([1UL])));
    }

    [Fact]
    public void SecretKey_IsZeroedOnDispose()
    {
        var key = new KeyGenerator(InsecureTestParameters.InsecureLogN4).CreateSecretKey();
        Assert.Contains(Enumerable.Range(0, key.Value.Primes).SelectMany(i => key.Value.Row(i).ToArray()), v => v != 0);

        key.Dispose();

        Assert.All(Enumerable.Range(0, key.Value.Primes).SelectMany(i => key.Value.Row(i).ToArray()), v => Assert.Equal(0UL, v));
    }

    [Fact]
    public void BatchEncoder_RoundTripsAndRefusesOutOfRange()
    {
        var parameters = BfvParameterSets.Sec128LogN12LogQ109;
        var encoder = new BatchEncoder(parameters);
        var t = parameters.PlainModulus.Value;
        long[] signed = [0, 1, -1, (long)(t / 2), -(long)(t / 2), 12345, -54321];

        Assert.Equal(signed, encoder.DecodeSigned(encoder.Encode(signed)).Take(signed.Length));
        Assert.All(encoder.Decode(encoder.Encode(signed)).Skip(signed.Length), v => Assert.Equal(0UL, v));
        Assert.Throws<ArgumentException>(() => encoder.Encode([t]));
        Assert.Throws<ArgumentException>(() => encoder.Encode(new ulong[parameters.Degree + 1]));
        Assert.Throws<ArgumentException>(() => encoder.Encode([(long)(t / 2) + 1]));
        var noBatching = BfvParameters.Create(new BfvParametersLiteral { Degree = 4096, CoefficientModulusBits = [36, 36, 37], PlainModulus = 1024 });
        Assert.False(noBatching.SupportsBatching);
        Assert.Throws<ArgumentException>(() => new BatchEncoder(noBatching));
    }

    private void AssertDepth(string set, int depth)
    {
        var parameters = Named(set);
        var t = parameters.PlainModulus.Value;
        var generator = new KeyGenerator(parameters);
        using var secretKey = generator.CreateSecretKey();
        var relinearization = generator.CreateRelinearizationKeys(secretKey);
        var encoder = new BatchEncoder(parameters);
        var evaluator = new Evaluator(parameters);
        var decryptor = new Decryptor(secretKey);
        var expected = RandomSlots(parameters);
        var ciphertext = new Encryptor(generator.CreatePublicKey(secretKey)).Encrypt(encoder.Encode(expected));
        for (var level = 1; level <= depth; level++)
        {
            ciphertext = evaluator.Relinearize(evaluator.Multiply(ciphertext, ciphertext), relinearization);
            expected = Zip(expected, expected, (x, y) => (ulong)((UInt128)x * y % t));
            Assert.True(decryptor.InvariantNoiseBudget(ciphertext) > 0, $"no budget left after {level} squarings");
            Assert.Equal(expected, encoder.Decode(decryptor.Decrypt(ciphertext)));
        }
    }

    private static BfvParameters Named(string name) =>
        (BfvParameters)(typeof(InsecureTestParameters).GetProperty(name) ?? typeof(BfvParameterSets).GetProperty(name))!.GetValue(null)!;

    private ulong[] RandomSlots(BfvParameters parameters) =>
        [.. Enumerable.Range(0, parameters.Degree).Select(i => i == 0 ? parameters.PlainModulus.Value - 1 : (ulong)_random.NextInt64((long)parameters.PlainModulus.Value))];

    private static ulong[] Zip(ulong[] a, ulong[] b, Func<ulong, ulong, ulong> f) => [.. a.Zip(b, f)];
}
