using System.Globalization;
using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Samples.HeBatchedSum;

/// <summary>
/// Three districts' subsidy totals, 4,096 households each, summed under encryption: the key holder makes
/// keys; each agency encrypts its column of amounts, one amount per slot; an aggregator who holds no secret
/// key adds the ciphertexts and folds each one's slots into one total with rotations; only the key holder
/// decrypts, and sees the totals, not the rows.
/// </summary>
public static class Walkthrough
{
    /// <summary>Runs the walkthrough, writing what happens to <paramref name="output"/>; 0 when the totals check out.</summary>
    public static int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var parameters = BfvParameterSets.Sec128LogN13LogQ218;
        var slots = parameters.Degree / 2; // one row of the 2 × n/2 slot matrix per ciphertext
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BFV n = {parameters.Degree}, log2 q = {parameters.TotalCoefficientModulusBits}, t = {parameters.PlainModulus} ({slots} amounts per row)"));

        // The key holder (the requesting agency) makes its keys and publishes what others need.
        var generator = new KeyGenerator(parameters);
        using var secretKey = generator.CreateSecretKey();
        var publicKey = BfvSerializer.Serialize(generator.CreatePublicKey(secretKey));
        var galoisKeys = BfvSerializer.Serialize(generator.CreateGaloisKeys(secretKey, PowersOfTwo(slots), columnSwap: false));

        // Each agency encrypts its amounts (yuan, below 50, so that the total stays below t) under the public key it received.
        var encoder = new BatchEncoder(parameters);
        var encryptor = new Encryptor(BfvSerializer.DeserializePublicKey(parameters, publicKey));
        string[] agencies = ["civil affairs", "human resources", "housing"];
        var amounts = agencies.Select((_, a) => Enumerable.Range(0, slots).Select(h => (ulong)(((h * 31) + (a * 17)) % 50)).ToArray()).ToArray();
        var uploads = amounts.Select(column => BfvSerializer.Serialize(encryptor.Encrypt(encoder.Encode(column)))).ToList();
        for (var a = 0; a < agencies.Length; a++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{agencies[a]}: encrypted {slots} amounts into {uploads[a].Length:N0} bytes"));
        }

        // The aggregator adds the ciphertexts, then folds the row: after rotating by 2048, 1024, …, 1 and adding, every slot holds the row's sum.
        var evaluator = new Evaluator(parameters);
        var rotations = BfvSerializer.DeserializeGaloisKeys(parameters, galoisKeys);
        var sum = uploads.Select(bytes => BfvSerializer.DeserializeCiphertext(parameters, bytes)).Aggregate(evaluator.Add);
        foreach (var step in PowersOfTwo(slots).Reverse())
        {
            sum = evaluator.Add(sum, evaluator.RotateRows(sum, step, rotations));
        }

        // Only the key holder decrypts.
        var decrypted = encoder.Decode(new Decryptor(secretKey).Decrypt(sum));
        var expected = amounts.SelectMany(column => column).Aggregate(0UL, (total, v) => total + v);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decrypted total: {decrypted[0]:N0} yuan (plaintext check: {expected:N0})"));
        return decrypted[0] == expected ? 0 : 1;
    }

    private static int[] PowersOfTwo(int below) => [.. Enumerable.Range(0, (int)Math.Log2(below)).Select(k => 1 << k)];
}
