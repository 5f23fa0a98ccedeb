mod common;
mod xml_formats;
