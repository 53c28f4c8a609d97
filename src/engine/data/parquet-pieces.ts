/**
 * @module engine/data/parquet-pieces
 * How a Parquet file's decode is cut into pieces of a few tens of milliseconds, so that reading a large
 * upload can hand the thread back between them (engine/data/parquet). A piece is a range of rows and
 * some columns, read by one parquetRead call: small row groups are read together, a row group's columns
 * in batches, and a column chunk too large for one piece in ranges of rows. hyparquet skips the pages
 * before a range without decompressing them and stops after its last one, so a range costs its own pages
 * and little more (the column's dictionary, and the page it shares with the range beside it).
 */

/** Rows [rowStart, rowEnd) of the columns at these indexes. */
export interface ParquetPiece {
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly columns: readonly number[];
}

/** One row group's size: its rows, and each column's uncompressed bytes in it (by column index). */
export interface ParquetGroupSize {
  readonly rows: number;
  readonly bytes: readonly number[];
}

/** The most a piece decodes: uncompressed bytes, and values (each one becomes a JavaScript value, then a text cell). */
export interface ParquetPieceLimit {
  readonly bytes: number;
  readonly cells: number;
}

/** About 20-40 ms of decoding and cell writing under workerd (text columns cost the most per value). */
export const PARQUET_PIECE: ParquetPieceLimit = { bytes: 2 * 1024 * 1024, cells: 100_000 };

/**
 * The pieces covering every row group of the file in order, each within `limit` where it can be (a
 * piece holds one row at least); every column of every row appears in exactly one piece.
 */
export function parquetPieces(groups: readonly ParquetGroupSize[], columnCount: number, limit: ParquetPieceLimit = PARQUET_PIECE): ParquetPiece[] {
  // A column's share of a piece over `rows` rows holding `bytes` bytes: 1 fills a piece.
  const weight = (bytes: number, rows: number) => Math.max(bytes / limit.bytes, rows / limit.cells);
  const groupWeight = (group: ParquetGroupSize) => {
    let sum = 0;
    for (let j = 0; j < columnCount; j++) sum += weight(group.bytes[j] ?? 0, group.rows);
    return sum;
  };
  const pieces: ParquetPiece[] = [];
  let rowStart = 0;
  for (let g = 0; g < groups.length; ) {
    // A run of whole row groups that fits one piece together (one group at least).
    let end = g + 1;
    let rows = groups[g].rows;
    let runWeight = groupWeight(groups[g]);
    while (end < groups.length && runWeight + groupWeight(groups[end]) <= 1) {
      runWeight += groupWeight(groups[end]);
      rows += groups[end].rows;
      end++;
    }
    const rowEnd = rowStart + rows;
    let batch: number[] = [];
    let batchWeight = 0;
    const flush = () => {
      if (batch.length > 0) pieces.push({ rowStart, rowEnd, columns: batch });
      batch = [];
      batchWeight = 0;
    };
    for (let j = 0; j < columnCount && rows > 0; j++) {
      let bytes = 0;
      for (let k = g; k < end; k++) bytes += groups[k].bytes[j] ?? 0;
      const w = weight(bytes, rows);
      if (batchWeight + w > 1) flush();
      if (w <= 1) {
        batch.push(j);
        batchWeight += w;
        continue;
      }
      // Too large for one piece (only a run of one group can be): the column alone, in ranges of rows.
      const step = Math.ceil(rows / Math.ceil(w));
      for (let start = rowStart; start < rowEnd; start += step) pieces.push({ rowStart: start, rowEnd: Math.min(start + step, rowEnd), columns: [j] });
    }
    flush();
    rowStart = rowEnd;
    g = end;
  }
  return pieces;
}
