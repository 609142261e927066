namespace AudioThinker.Data.Datasets;

/// <summary>A dataset or predictions file is malformed; the message names the file, the line or record, and the field.</summary>
public sealed class DatasetFormatException(string location, string problem, Exception? inner = null)
    : DataFileException(location, problem, inner);
