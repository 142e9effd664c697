import { Textarea } from '@mantine/core';
import { MONOSPACE_INPUT } from '../components/monospace';

/**
 * Chaconne's "Show JSON": the persistJob body the form makes. Edits flow back into the form while
 * they are valid JSON; invalid text shows its error and leaves the form as it was.
 */
export function JsonView({
  text,
  error,
  onChange,
}: {
  text: string;
  error: string | undefined;
  onChange: (text: string) => void;
}) {
  return (
    <Textarea
      label="Job JSON"
      description="The persistJob request body; the form follows your edits"
      autosize
      minRows={16}
      maxRows={40}
      styles={MONOSPACE_INPUT}
      spellCheck={false}
      value={text}
      onChange={(e) => {
        onChange(e.currentTarget.value);
      }}
      error={error}
    />
  );
}
