import { TextInput, type TextInputProps } from '@mantine/core';
import { useId } from 'react';

/**
 * A free-text input with suggestions (the browser's own `<datalist>`): any value may be typed,
 * e.g. a new cluster or a plugin's load balancer, and it is filled like any text input.
 */
export function SuggestInput({ suggestions, ...props }: TextInputProps & { suggestions: readonly string[] }) {
  const listId = useId();
  return (
    <>
      <TextInput {...props} list={listId} autoComplete="off" />
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </>
  );
}
