using System.Diagnostics;
using System.Text;

namespace PrivacyNode.Testing;

/// <summary>
/// Runs Python grpcio peers (Debian's python3-grpcio, a gRPC stack written by others) for interop tests.
/// A missing grpcio fails the test loudly; it is never skipped.
/// </summary>
public static class PythonGrpc
{
    private static readonly Lazy<string> Checked = new(Check);

    /// <summary>The interpreter: $PRIVACYNODE_PYTHON, else Debian's /usr/bin/python3 (where python3-grpcio installs).</summary>
    public static string Interpreter => Checked.Value;

    /// <summary>Generates Python messages and stubs for <paramref name="protoFiles"/> (relative to <paramref name="protoRoot"/>) into a new directory.</summary>
    public static async Task<string> GenerateStubsAsync(string protoRoot, params string[] protoFiles)
    {
        var output = Directory.CreateTempSubdirectory("pn-py-").FullName;
        var result = await RunAsync(
            ["-m", "grpc_tools.protoc", "-I", protoRoot, "--python_out", output, "--grpc_python_out", output, .. protoFiles],
            pythonPath: null,
            TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"grpc_tools.protoc failed:\n{result.StandardError}");
        }

        return output;
    }

    /// <summary>Runs a Python command to completion.</summary>
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> arguments, string? pythonPath, TimeSpan timeout)
    {
        using var process = Start(arguments, pythonPath);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python {string.Join(' ', arguments)} did not finish within {timeout}.\n{await stdout}\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a server script that prints <c>PORT n</c> when listening.</summary>
    public static async Task<PythonServer> StartServerAsync(IEnumerable<string> arguments, string pythonPath)
    {
        var process = Start(arguments, pythonPath);
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            string stderr;
            lock (errors)
            {
                stderr = errors.ToString();
            }

            throw new InvalidOperationException($"Python server did not start: {line}\n{stderr}");
        }

        return new PythonServer(process, int.Parse(line.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Process Start(IEnumerable<string> arguments, string? pythonPath)
    {
        var info = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (pythonPath is not null)
        {
            info.Environment["PYTHONPATH"] = pythonPath;
        }

        info.Environment["PYTHONUNBUFFERED"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start Python.");
    }

    private static string Check()
    {
        var interpreter = Environment.GetEnvironmentVariable("PRIVACYNODE_PYTHON") ?? "/usr/bin/python3";
        var info = new ProcessStartInfo(interpreter, ["-c", "import grpc, grpc_tools; print(grpc.__version__)"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(info)!;
            process.WaitForExit(30_000);
            if (process.ExitCode == 0)
            {
                return interpreter;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        throw new InvalidOperationException(
            $"Python grpcio is required for interop tests but '{interpreter}' cannot import grpc and grpc_tools. " +
            "Install it with: apt-get install python3-grpcio python3-grpc-tools (or set PRIVACYNODE_PYTHON).");
    }
}

/// <summary>The outcome of a finished Python process.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>A running Python server; disposing closes its stdin and kills it.</summary>
public sealed class PythonServer(Process process, int port) : IDisposable
{
    public int Port { get; } = port;

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(2_000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }
}
