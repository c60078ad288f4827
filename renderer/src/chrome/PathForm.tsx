// A path field with its button: how the browser host (which has no native dialogs) opens folders.
interface PathFormProps {
  value: string;
  onChange(value: string): void;
  onSubmit(value: string): void;
  busy: boolean;
  placeholder: string;
  label: string;
  buttonLabel: string;
  inputTestId: string;
  buttonTestId: string;
}

export function PathForm(props: PathFormProps) {
  return (
    <form
      className="folder-form"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(props.value);
      }}
    >
      <input
        type="text"
        data-testid={props.inputTestId}
        aria-label={props.label}
        placeholder={props.placeholder}
        spellCheck={false}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <button type="submit" data-testid={props.buttonTestId} disabled={props.busy}>
        {props.busy ? 'Opening…' : props.buttonLabel}
      </button>
    </form>
  );
}
