import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const VARIANTS: Record<Variant, string> = {
  primary: 'bg-blue-900 text-white hover:bg-blue-1000 disabled:bg-solid-gray-420',
  secondary: 'border border-blue-900 bg-white text-blue-900 hover:bg-blue-50 disabled:text-solid-gray-536',
  danger: 'bg-red-900 text-white hover:bg-red-1000 disabled:bg-solid-gray-420',
  ghost: 'text-blue-900 underline underline-offset-4 hover:bg-blue-50',
};

export function Button({ variant = 'primary', className = '', type = 'button', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type={type}
      className={`inline-flex min-h-11 items-center justify-center gap-2 rounded-8 px-4 py-2 font-bold disabled:cursor-not-allowed ${VARIANTS[variant]} ${className}`}
      {...rest}
    />
  );
}
