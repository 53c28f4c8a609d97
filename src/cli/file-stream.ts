/**
 * @module cli/file-stream
 * A file as a web ReadableStream that reports each chunk as the request pulls it, so an upload's bar
 * follows the bytes actually handed to the connection (the stream is pulled, not pushed: a slow server
 * slows the bar) and the file is never held in memory whole.
 */
import { open } from 'node:fs/promises';

const CHUNK_BYTES = 64 * 1024;

export async function countingFileStream(path: string, onBytes: (sent: number) => void): Promise<ReadableStream<Uint8Array>> {
  const file = await open(path, 'r');
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffer = new Uint8Array(CHUNK_BYTES);
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) {
        await file.close();
        controller.close();
        return;
      }
      sent += bytesRead;
      onBytes(sent);
      controller.enqueue(buffer.subarray(0, bytesRead));
    },
    async cancel() {
      await file.close();
    },
  });
}
