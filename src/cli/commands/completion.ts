// simplemon completion bash|zsh, and the hidden `simplemon __complete devices` the script calls.
// The script is written from the commander program itself (commands, options, option choices), so it
// never goes out of date; device ids come at completion time from the saved state, read without the
// lock and without loading any protocol library (a command line must complete at once).
import type { Command, Help, Option } from 'commander';
import type { GlobalOptions } from '../main.js';
import { findConfig } from '../../config/config-file.js';
import { loadConfigView } from '../../config/cache.js';
import { readAppState } from '../../app/state.js';

interface CommandSpec {
  /** "/override/set" — the command path, "" for the program. */
  path: string;
  words: string[];
  /** option flags that take a value, and the values when they are a fixed list (null: a file, [] anything). */
  valued: Map<string, string[] | null>;
  devices: boolean;
}

const FILE_OPTIONS = new Set(['--config', '--cron-d-dir', '--crontab-command']);

function optionFlags(o: Option): string[] {
  return [o.short, o.long].filter((f): f is string => !!f);
}

function valuedOptions(options: readonly Option[]): Map<string, string[] | null> {
  const valued = new Map<string, string[] | null>();
  for (const o of options) {
    if (!(o.required || o.optional)) continue;
    const values = o.argChoices ?? (FILE_OPTIONS.has(o.long ?? '') ? null : []);
    for (const f of optionFlags(o)) valued.set(f, values);
  }
  return valued;
}

/** Every command path; `valued` holds the command's own options (the program's apply everywhere). */
function specs(program: Command): { root: Map<string, string[] | null>; commands: CommandSpec[] } {
  const help: Help = program.createHelp();
  const rootOptions = help.visibleOptions(program);
  const commands: CommandSpec[] = [];
  const walk = (cmd: Command, path: string) => {
    const subs = help.visibleCommands(cmd).filter((c) => c.name() !== 'help');
    const own = cmd === program ? [] : help.visibleOptions(cmd).filter((o) => !rootOptions.includes(o));
    commands.push({
      path,
      words: [...new Set([...subs.map((c) => c.name()), ...help.visibleOptions(cmd).flatMap(optionFlags), ...rootOptions.flatMap(optionFlags)])],
      valued: valuedOptions(own),
      devices: cmd.registeredArguments.some((a) => a.name() === 'device'),
    });
    for (const c of subs) walk(c, `${path}/${c.name()}`);
  };
  walk(program, '');
  return { root: valuedOptions(rootOptions), commands };
}

/** Single-quoted for bash: the words are ours, but quote anyway. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function bashScript(program: Command): string {
  const { root, commands } = specs(program);
  const paths = commands.filter((s) => s.path).map((s) => s.path);
  const reply = (values: string[] | null) =>
    values === null ? 'COMPREPLY=($(compgen -f -- "$cur"))' : `COMPREPLY=($(compgen -W ${q(values.join(' '))} -- "$cur"))`;
  // case patterns "<path> <flag>", one branch per option; the program's options match after any path
  const branches: { patterns: string[]; values: string[] | null }[] = [];
  const group = (flags: Map<string, string[] | null>, prefix: (f: string) => string) => {
    const byReply = new Map<string, { patterns: string[]; values: string[] | null }>();
    for (const [f, v] of flags) {
      const key = JSON.stringify(v);
      if (!byReply.has(key)) byReply.set(key, { patterns: [], values: v });
      byReply.get(key)!.patterns.push(prefix(f));
    }
    branches.push(...byReply.values());
  };
  for (const s of commands) group(s.valued, (f) => q(`${s.path} ${f}`));
  group(root, (f) => `*${q(` ${f}`)}`);
  const takesValue = branches.flatMap((b) => b.patterns).join('|') || "'-'";
  const valueCases = branches.map((b) => `      ${b.patterns.join('|')}) ${reply(b.values)}; return ;;`).join('\n');
  return `# bash completion for simplemon: commands, options and device ids (from the saved state).
# Load it now:  source <(simplemon completion bash)
# For good:     simplemon completion bash > /etc/bash_completion.d/simplemon
_simplemon() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path= w i skip= config=
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ -n $skip ]]; then
      [[ $skip == -c || $skip == --config ]] && config=$w
      skip=
      continue
    fi
    case "$path $w" in
      ${takesValue}) skip=$w; continue ;;
    esac
    [[ $w == -* ]] && continue
    case "$path/$w" in
      ${paths.map(q).join('|')}) path=$path/$w ;;
    esac
  done
  if ((COMP_CWORD > 1)); then
    local prev=\${COMP_WORDS[COMP_CWORD-1]}
    case "$path $prev" in
${valueCases}
    esac
  fi
  local words= devices=
  case $path in
${commands.map((s) => `    ${q(s.path)}) words=${q(s.words.join(' '))}${s.devices ? '; devices=1' : ''} ;;`).join('\n')}
  esac
  if [[ -n $devices && $cur != -* ]]; then
    local ids args=()
    [[ -n $config ]] && args=(--config "$config")
    ids=$("\${COMP_WORDS[0]}" "\${args[@]}" __complete devices 2>/dev/null)
    COMPREPLY=($(compgen -W "$ids" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
}
complete -F _simplemon simplemon
`;
}

/** zsh runs the same function through its bash completion layer, so both shells complete alike. */
export function zshScript(program: Command): string {
  return `# zsh completion for simplemon (commands, options, device ids), through zsh's bashcompinit.
# Load it (e.g. in ~/.zshrc):  source <(simplemon completion zsh)
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }
autoload -U +X bashcompinit && bashcompinit
${bashScript(program).replace(/^#.*\n/gm, '')}`;
}

export async function completionCommand(program: Command, shell: string): Promise<number> {
  process.stdout.write(shell === 'zsh' ? zshScript(program) : bashScript(program));
  return 0;
}

/**
 * The device ids to complete: the configured devices and every id in the saved state (the last
 * inventory included), one a line. Nothing at all when there is no config or state yet.
 */
export async function completeDevices(g: GlobalOptions): Promise<number> {
  let ids: string[] = [];
  try {
    findConfig(g.config);
    const config = await loadConfigView(g.config);
    const { SOURCES } = await import('../../sources/index.js');
    ids = SOURCES.flatMap((src) => src.configured(config).map((d) => d.id));
    const state = await readAppState(config.stateFile, { metrics: false });
    ids.push(...Object.keys(state.devices));
  } catch {
    // completion must never print an error into the command line being typed
  }
  const unique = [...new Set(ids)].filter((id) => !/[\s\n]/.test(id));
  if (unique.length) process.stdout.write(unique.join('\n') + '\n');
  return 0;
}
