// The `email:` section (issue: alert emails). Owned by the email work; wired into schema.ts.
import { fail, type Ctx, type YNode } from './validate.js';

export interface EmailConfig {
  from: string;
  recipients: string[];
}

export function emailSection(ctx: Ctx, node: YNode, path: string): EmailConfig | undefined {
  return fail(ctx, node, path, 'email is not supported yet');
}
