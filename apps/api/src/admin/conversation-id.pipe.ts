import type { PipeTransform } from '@nestjs/common';
import { ChannelError, describeJsonProblem, jsonProblem } from '@parley/channels';

/** A conversation id from the path: text PostgreSQL can hold (no NUL, valid Unicode), of a sane length. */
export class ConversationIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    const problem = jsonProblem(id, 'id');
    if (problem || id.length > 256) {
      throw new ChannelError('INVALID_REQUEST', problem ? describeJsonProblem(problem) : "'id' is longer than 256 characters.", {
        channel: 'admin',
        field: 'id',
      });
    }
    return id;
  }
}
