import { createTheme, InputWrapper, localStorageColorSchemeManager } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    // The asterisk of required fields comes from global.css (see there why).
    InputWrapper: InputWrapper.extend({ defaultProps: { withAsterisk: false } }),
  },
});

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'lf.color-scheme' });
